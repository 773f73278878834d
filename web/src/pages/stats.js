// Placeholder until the page is built.
import { title } from '../ui.js';
export function statsPage(main) { main.append(title('statsPage')); }
