// Reading something to its end: a file, or any read function with offsets.
import { fail } from '../error.ts';
import type { File, Maybe } from './types.ts';

/** Everything `read` gives until it answers 0; past `limit` bytes, EFBIG. */
export async function readToEnd(read: (dst: Uint8Array, offset: number) => Maybe<number>, limit = Infinity): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const buf = new Uint8Array(Math.max(65536, Math.min(size, 1 << 24)));
    const n = await read(buf, size);
    if (n === 0) break;
    parts.push(buf.subarray(0, n));
    size += n;
    if (size > limit) throw fail('EFBIG');
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

/** A whole file's bytes. */
export async function readFile(file: File, limit?: number): Promise<Uint8Array> {
  const h = await file.open({ read: true, write: false });
  try { return await readToEnd((d, o) => h.read(d, o), limit); } finally { h.close(); }
}
