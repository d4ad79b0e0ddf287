// Rreaddir entries (9P2000.L): qid[13] offset[8] type[1] name[s], whole
// entries only. Each entry's offset is the cookie that a later Treaddir passes
// to resume after it, so a reply may end anywhere between entries.

import type { DecodeError } from './codec.ts';
import { readDirent, sizeFields, writeFields } from './fields.ts';
import { direntLayout, type Dirent } from './messages.ts';
import { type Packed, packRecords, unpackRecords } from './records.ts';

/** Bytes one entry takes. Throws like encode on out-of-range values. */
export const direntLength = (d: Dirent): number => sizeFields(direntLayout, d, '9P2000.L', 'dirent');

/** Whole entries into at most `count` bytes (a Treaddir's count). n = 0 with
 *  entries left means the first one does not fit. */
export const packDirents = (entries: readonly Dirent[], count: number): Packed =>
  packRecords(entries, count, direntLength, (w, d) => writeFields(w, direntLayout, d, '9P2000.L'));

/** The entries of an Rreaddir's data; an error if any is cut short. */
export const unpackDirents = (data: Uint8Array): Dirent[] | DecodeError => unpackRecords(data, 'dirent', readDirent);
