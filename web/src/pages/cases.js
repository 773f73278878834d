// Placeholder until the page is built.
import { title } from '../ui.js';
export function caseList(main) { main.append(title('caseList')); }
export function casePage(main) { main.append(title('casePage')); }
