// Secrets read from files: the token of 9P authentication (--auth-file) and a
// TLS pre-shared key (--tls-psk). A secret file must be private to its owner:
// one that group or others may read or write is refused, as ssh refuses such a
// key, since anyone who can read it can pass for a client.
import * as fs from 'node:fs';
import { fail } from '../error.ts';

/** secrets shorter than this are too easy to guess from one overheard exchange */
export const MIN_SECRET = 16;

/** The file's bytes without trailing whitespace; EACCES if it is not private, EINVAL if too short. */
export function readSecret(path: string, flag: string): Uint8Array {
  let st: fs.Stats, data: Buffer;
  try {
    st = fs.statSync(path);
    data = fs.readFileSync(path);
  } catch (e) {
    throw fail('EINVAL', `${flag} ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  if (st.mode & 0o077)
    throw fail('EACCES', `${flag} ${path}: group or others may read or write it (mode 0${(st.mode & 0o777).toString(8)}); chmod 600 it`);
  let end = data.length;
  while (end > 0 && /\s/.test(String.fromCharCode(data[end - 1]!))) end--;
  const secret = new Uint8Array(data.buffer, data.byteOffset, end).slice();
  if (secret.length < MIN_SECRET) throw fail('EINVAL', `${flag} ${path}: a secret needs at least ${MIN_SECRET} bytes (try: openssl rand -hex 32 > ${path})`);
  return secret;
}

/** A pre-shared key: a secret file holding hex digits. */
export function readPsk(path: string, flag: string): Uint8Array {
  const text = new TextDecoder().decode(readSecret(path, flag)).trim();
  if (!/^([0-9a-fA-F]{2})+$/.test(text)) throw fail('EINVAL', `${flag} ${path}: expected the key in hex (try: openssl rand -hex 32 > ${path})`);
  const key = Uint8Array.from(text.match(/../g)!, h => Number.parseInt(h, 16));
  if (key.length < MIN_SECRET) throw fail('EINVAL', `${flag} ${path}: a key needs at least ${MIN_SECRET} bytes`);
  return key;
}
