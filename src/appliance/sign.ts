// Ed25519 signatures over an appliance's digest, through Web Crypto (Node's and
// a browser's alike). Keys travel as the raw 32 bytes, or as the PEM files that
// `goblin keygen` writes (SPKI for the public key).
import { hex, SIGNED_PREFIX } from './format.ts';

/** What is signed: a fixed prefix and the digest in hex, so a signature means nothing elsewhere. */
export const signedMessage = (digest: Uint8Array): Uint8Array => new TextEncoder().encode(SIGNED_PREFIX + hex(digest));

export async function verifySignature(publicKey: Uint8Array, signature: Uint8Array, digest: Uint8Array): Promise<boolean> {
  try {
    const key = await crypto.subtle.importKey('raw', publicKey as BufferSource, { name: 'Ed25519' }, false, ['verify']);
    return await crypto.subtle.verify({ name: 'Ed25519' }, key, signature as BufferSource, signedMessage(digest) as BufferSource);
  } catch {
    return false;
  }
}

/** The DER prefix of an Ed25519 SubjectPublicKeyInfo; the raw key is the 32 bytes after it. */
const SPKI_PREFIX = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];

/** A public key from PEM (SPKI) text, or base64 or hex of the raw 32 bytes. */
export function parsePublicKey(text: string): Uint8Array {
  const t = text.trim();
  if (/^[0-9a-f]{64}$/i.test(t)) return Uint8Array.from(t.match(/../g)!, h => parseInt(h, 16));
  const body = t.replace(/-----(BEGIN|END) PUBLIC KEY-----/g, '').replace(/\s+/g, '');
  let der: Uint8Array;
  try { der = Uint8Array.from(atob(body), c => c.charCodeAt(0)); } catch { throw new Error('not a public key (PEM, base64 or hex of an Ed25519 key)'); }
  if (der.length === 32) return der;
  if (der.length === 44 && SPKI_PREFIX.every((x, i) => der[i] === x)) return der.slice(12);
  throw new Error('not an Ed25519 public key');
}
