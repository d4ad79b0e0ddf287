// Goblin's 9P authentication scheme, "goblin-hmac-sha256": a client proves that
// it holds a shared secret (the token) without sending it. The exchange rides on
// the afid of attach(5), as Plan 9's authentication protocols do:
//
//   Tauth afid uname aname     the server makes the afid and a fresh 32-byte nonce for it
//   Tread afid                 → "goblin-hmac-sha256 NONCE\n" (NONCE: 64 hex digits)
//   Twrite afid PROOF          PROOF: the 64 hex digits of
//                                HMAC-SHA256(key = token, nonce ‖ uname ‖ 0x00 ‖ aname)
//   Tattach fid afid uname aname   admitted only once PROOF was right, and only for
//                                  the uname and aname the afid was made for
//
// The NUL between uname and aname keeps the split between them fixed (a uname
// holding NUL is refused), so one proof cannot be re-read as another pair. The
// nonce belongs to one afid: a proof seen on the wire is worthless on any other
// afid or connection, and one wrong proof spends the afid. What this gives is
// proof of the token, not secrecy: the 9P stream after attach is plain, so on a
// network someone may read or take over, use TLS (tls!HOST!PORT) as well.
//
// Pure functions over bytes, shared by the server (exportfs/auth.ts) and the
// client (fs/remote/auth.ts); HMAC comes from Web Crypto, in Node and browsers.

import { fail } from '../error.ts';

export const AUTH_SCHEME = 'goblin-hmac-sha256';
export const NONCE_BYTES = 32;
const MAC_BYTES = 32;
const enc = new TextEncoder();

export const toHex = (b: Uint8Array): string => Array.from(b, x => x.toString(16).padStart(2, '0')).join('');

/** The bytes of a hex string, or null if it is not one. */
export function fromHex(s: string): Uint8Array | null {
  if (s.length % 2 || !/^[0-9a-fA-F]*$/.test(s)) return null;
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** A fresh nonce. */
export function newNonce(): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
}

/** What a read of the afid answers. */
export const challengeText = (nonce: Uint8Array): Uint8Array => enc.encode(`${AUTH_SCHEME} ${toHex(nonce)}\n`);

/** The nonce of a challenge, or an error naming what the server said instead. */
export function parseChallenge(b: Uint8Array): Uint8Array {
  const text = new TextDecoder().decode(b).trim();
  const [scheme, hex, ...rest] = text.split(' ');
  const nonce = fromHex(hex ?? '');
  if (scheme !== AUTH_SCHEME || !nonce || nonce.length !== NONCE_BYTES || rest.length)
    throw fail('EPROTO', `9P auth: the server asks for ${JSON.stringify(text.slice(0, 40))}, not ${AUTH_SCHEME}`);
  return nonce;
}

/** HMAC-SHA256(token, nonce ‖ uname ‖ 0 ‖ aname). */
export async function proof(token: Uint8Array, nonce: Uint8Array, uname: string, aname: string): Promise<Uint8Array> {
  if (uname.includes('\0')) throw fail('EINVAL', 'a uname may not hold NUL');
  const u = enc.encode(uname), a = enc.encode(aname);
  const msg = new Uint8Array(nonce.length + u.length + 1 + a.length);
  msg.set(nonce, 0);
  msg.set(u, nonce.length);
  msg.set(a, nonce.length + u.length + 1);
  const key = await globalThis.crypto.subtle.importKey('raw', token as BufferSource, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await globalThis.crypto.subtle.sign('HMAC', key, msg));
}

/** What the client writes to the afid. */
export const proofText = (mac: Uint8Array): Uint8Array => enc.encode(toHex(mac));

/** The MAC a write to the afid carries (its hex, a final newline allowed), or null. */
export function parseProof(b: Uint8Array): Uint8Array | null {
  const mac = fromHex(new TextDecoder().decode(b).replace(/\r?\n$/, ''));
  return mac && mac.length === MAC_BYTES ? mac : null;
}

/** Compares in time that depends on the lengths only. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}
