// Placeholder until the page is built.
import { title } from '../ui.js';
export function actionDayList(main) { main.append(title('actionDayList')); }
export function actionDayPage(main) { main.append(title('actionDayPage')); }
