// Placeholder until the page is built.
import { title } from '../ui.js';
export function searchPage(main) { main.append(title('searchPage')); }
