// Placeholder until the page is built.
import { title } from '../ui.js';
export function ledgerPage(main) { main.append(title('ledgerPage')); }
