// A qid is the server's identity for a file: type[1] version[4] path[8] on the
// wire (intro(5)). path is a bigint because servers use all 64 bits (Linux
// inode numbers, union members tagged in the high bits).

import { QTAPPEND, QTAUTH, QTDIR, QTEXCL, QTMOUNT, QTSYMLINK, QTTMP } from './consts.ts';

export interface Qid {
  readonly type: number;
  readonly version: number;
  readonly path: bigint;
}

export const QID_SIZE = 13;

const letters: ReadonlyArray<readonly [number, string]> = [
  [QTDIR, 'd'], [QTAPPEND, 'a'], [QTEXCL, 'l'], [QTMOUNT, 'm'], [QTAUTH, 'A'], [QTTMP, 't'], [QTSYMLINK, 'L'],
];

/** Trace form: `(path-in-hex version type-letters)`, e.g. `(000000000000002a 3 d)`; a plain file has no letters. */
export function formatQid(q: Qid): string {
  let t = '';
  for (const [bit, c] of letters) if (q.type & bit) t += c;
  const rest = q.type & ~(QTDIR | QTAPPEND | QTEXCL | QTMOUNT | QTAUTH | QTTMP | QTSYMLINK);
  if (rest) t += `+${rest.toString(16)}`;
  const head = `(${q.path.toString(16).padStart(16, '0')} ${q.version}`;
  return t ? `${head} ${t})` : `${head})`;
}
