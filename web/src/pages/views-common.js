// Helpers shared by the views pages (action days, link view, statistics, ledger).
import { t, hasString } from '../strings.js';
import { h } from '../ui.js';

// A key's label from strings.js when there is one, else the key made readable
// ("house_search" -> "House search"): data words the table does not know yet.
export function label(prefix, key) {
  if (key === undefined || key === null) return '';
  const k = prefix + '.' + key;
  if (hasString(k)) return t(k);
  const s = String(key).replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

let regionNames = null;
// "RS" -> "Serbia" (the browser's own country names), the code itself otherwise.
export function countryName(code) {
  if (!code) return '';
  try {
    regionNames ||= new Intl.DisplayNames(['en'], { type: 'region' });
    const n = regionNames.of(code);
    return n && n !== code ? n : code;
  } catch {
    return code;
  }
}

// A number in the page's way (thousands separated).
export function num(n) { return Number(n || 0).toLocaleString('en-GB'); }

// A visually hidden element (for screen readers only).
export function srOnly(...children) { return h('span', { class: 'sr-only' }, ...children); }

// Hex and base64 to bytes and back.
export function hexToBytes(hex) {
  const s = String(hex || '').trim();
  if (!/^([0-9a-f]{2})*$/i.test(s)) throw new Error('bad hex');
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.substr(i * 2, 2), 16);
  return out;
}
export function bytesToHex(b) { return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(''); }
export function b64ToBytes(b64) {
  const bin = atob(String(b64 || '').trim());
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
export function bytesToB64(b) { let s = ''; for (const x of b) s += String.fromCharCode(x); return btoa(s); }
