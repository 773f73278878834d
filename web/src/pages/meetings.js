// Placeholder until the page is built.
import { title } from '../ui.js';
import { t } from '../strings.js';
export function meetingList(main) { main.append(title(t('nav.meetings'))); }
export function meetingPage(main) { main.append(title(t('nav.meetings'))); }
