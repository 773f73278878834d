// Placeholder until the page is built.
import { title } from '../ui.js';
export function evidencePage(main) { main.append(title('evidencePage')); }
