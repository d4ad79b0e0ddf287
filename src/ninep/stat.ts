// stat(5) directory entries, with the 9P2000.u additions (extension, n_uid,
// n_gid, n_muid) when the dialect is not plain 9P2000. The layout is the
// statFields row in messages.ts; this file adds the standalone forms.

import { type Dialect, NONUNAME } from './consts.ts';
import { DecodeError } from './codec.ts';
import { Cursor } from './cursor.ts';
import { readStat, statSize, writeStat } from './fields.ts';
import type { Stat } from './messages.ts';
import { type Packed, packRecords, unpackRecords } from './records.ts';
import { Writer } from './writer.ts';

/** Bytes one stat takes, its size[2] included. */
export const statLength = (stat: Stat, dialect: Dialect): number => statSize(stat, 'stat', dialect);

/** One stat, beginning with its own size[2] (the form in a directory read). */
export function encodeStat(stat: Stat, dialect: Dialect): Uint8Array {
  const w = new Writer(statLength(stat, dialect));
  writeStat(w, stat, dialect);
  return w.buf;
}

/** Exactly one stat, beginning with its size[2]. */
export function decodeStat(bytes: Uint8Array, dialect: Dialect): Stat | DecodeError {
  const c = new Cursor(bytes);
  const stat = readStat(c, dialect);
  if (c.error !== undefined) return new DecodeError(`stat: ${c.error}`);
  if (c.remaining > 0) return new DecodeError(`stat: ${c.remaining} trailing bytes`);
  return stat;
}

/** Whole stats into at most `count` bytes, for Rread of a 9P2000 directory. */
export const packStats = (stats: readonly Stat[], count: number, dialect: Dialect): Packed =>
  packRecords(stats, count, (s) => statLength(s, dialect), (w, s) => writeStat(w, s, dialect));

/** The stats of a directory read; an error if any is cut short or malformed. */
export const unpackStats = (data: Uint8Array, dialect: Dialect): Stat[] | DecodeError =>
  unpackRecords(data, 'stat', (c) => readStat(c, dialect));

/** The Twstat stat that changes nothing (every field "don't touch", wstat(5)); set the fields to change. */
export function nullStat(dialect: Dialect): Stat {
  const stat: Stat = {
    type: 0xffff, dev: 0xffffffff, qid: { type: 0xff, version: 0xffffffff, path: 0xffffffffffffffffn },
    mode: 0xffffffff, atime: 0xffffffff, mtime: 0xffffffff, length: 0xffffffffffffffffn,
    name: '', uid: '', gid: '', muid: '',
  };
  if (dialect !== '9P2000') Object.assign(stat, { extension: '', n_uid: NONUNAME, n_gid: NONUNAME, n_muid: NONUNAME });
  return stat;
}
