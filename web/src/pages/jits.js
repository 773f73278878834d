// Placeholder until the page is built.
import { title } from '../ui.js';
export function jitList(main) { main.append(title('jitList')); }
export function jitPage(main) { main.append(title('jitPage')); }
