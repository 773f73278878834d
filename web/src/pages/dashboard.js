// Placeholder until the page is built.
import { title } from '../ui.js';
export function dashboard(main) { main.append(title('dashboard')); }
