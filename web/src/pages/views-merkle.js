// RFC 9162 Merkle tree hashing and inclusion-proof verification in the browser.
// SHA-256 through WebCrypto where the page is a secure context (loopback,
// HTTPS); on plain HTTP from a LAN address crypto.subtle does not exist, and
// @noble/hashes (audited, dependency-free) computes the same digest.
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';

export async function sha256(bytes) {
  if (globalThis.crypto && crypto.subtle && typeof crypto.subtle.digest === 'function')
    return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return nobleSha256(bytes);
}

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

export function leafHash(entry) { return sha256(concat(Uint8Array.of(0), entry)); }
export function nodeHash(l, r) { return sha256(concat(Uint8Array.of(1), l, r)); }

export function equalBytes(a, b) {
  if (!a || !b || a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
  return d === 0;
}

// RFC 9162 §2.1.3.2: the root an inclusion proof of leaf `index` in a tree of
// `size` leaves leads to, or null when the proof has the wrong shape.
export async function rootFromInclusionProof(index, size, leaf, proof) {
  if (!(index >= 0 && index < size)) return null;
  let fn = BigInt(index), sn = BigInt(size - 1), r = leaf;
  for (const p of proof) {
    if (sn === 0n) return null;
    if ((fn & 1n) === 1n || fn === sn) {
      r = await nodeHash(p, r);
      if ((fn & 1n) === 0n) while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; }
    } else {
      r = await nodeHash(r, p);
    }
    fn >>= 1n; sn >>= 1n;
  }
  return sn === 0n ? r : null;
}
