// Placeholder until the page is built.
import { title } from '../ui.js';
export function requestList(main) { main.append(title('requestList')); }
export function requestPage(main) { main.append(title('requestPage')); }
