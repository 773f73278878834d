// Placeholder until the page is built.
import { title } from '../ui.js';
export function linkView(main) { main.append(title('linkView')); }
