// Runs of whole records in one byte string: the stats of a 9P2000 directory
// read and the entries of an Rreaddir. A reply carries only whole records, so
// packing stops before the first record that would pass `count`.

import { Cursor } from './cursor.ts';
import { DecodeError } from './codec.ts';
import { Writer } from './writer.ts';

export interface Packed {
  /** The packed bytes, at most `count` long. */
  readonly data: Uint8Array;
  /** How many records went in: the caller resumes from records[n]. */
  readonly n: number;
}

export function packRecords<T>(
  records: readonly T[], count: number, size: (r: T) => number, write: (w: Writer, r: T) => void,
): Packed {
  let total = 0;
  let n = 0;
  for (; n < records.length; n++) {
    const s = size(records[n]!);
    if (total + s > count) break;
    total += s;
  }
  const w = new Writer(total);
  for (let i = 0; i < n; i++) write(w, records[i]!);
  return { data: w.buf, n };
}

export function unpackRecords<T>(data: Uint8Array, what: string, read: (c: Cursor) => T): T[] | DecodeError {
  const c = new Cursor(data);
  const out: T[] = [];
  while (c.remaining > 0 && c.error === undefined) out.push(read(c));
  return c.error === undefined ? out : new DecodeError(`${what} #${out.length - 1}: ${c.error}`);
}
