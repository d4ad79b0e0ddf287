// What the 9P client makes of the server's answers, and how it asks: Rgetattr
// (.L) and stat(5) records (9P2000, .u) as a file server's Stat, qid and dirent
// types as FileTypes, and OpenFlags and StatChanges as the dialects spell them.
// Pure functions; the inverse of exportfs/attr.ts.

import type { FileType, OpenFlags, Stat as FsStat, StatChange } from '../types.ts';
import {
  type Dialect, DMDEVICE, DMDIR, DMNAMEDPIPE, DMSOCKET, DMSYMLINK, ORDWR, OREAD, OTRUNC, OWRITE, QTDIR, QTSYMLINK,
  SETATTR_ATIME, SETATTR_ATIME_SET, SETATTR_MODE, SETATTR_MTIME, SETATTR_MTIME_SET, SETATTR_SIZE,
} from '../../ninep/consts.ts';
import type { MsgOf, Stat } from '../../ninep/messages.ts';
import { nullStat } from '../../ninep/stat.ts';

/** A qid's type bits as a file type (devices and pipes look like files until a stat says more). */
export const qidFileType = (qt: number): FileType => (qt & QTDIR ? 'dir' : qt & QTSYMLINK ? 'symlink' : 'file');

// Linux's file type bits (stat(2)) and dirent d_type values (readdir(3)).
const S_IFMT = 0o170000;
const linuxTypes: Record<number, FileType> = {
  0o040000: 'dir', 0o100000: 'file', 0o120000: 'symlink', 0o020000: 'char', 0o060000: 'block', 0o010000: 'fifo', 0o140000: 'socket',
};
const direntTypes: Record<number, FileType> = { 4: 'dir', 8: 'file', 10: 'symlink', 2: 'char', 6: 'block', 1: 'fifo', 12: 'socket' };

export const linuxFileType = (mode: number): FileType => linuxTypes[mode & S_IFMT] ?? 'file';

/** An Rreaddir entry's type: its d_type, or its qid's when the server says DT_UNKNOWN. */
export const direntFileType = (dtype: number, qt: number): FileType => direntTypes[dtype] ?? qidFileType(qt);

/** A stat(5) mode's type bits (the .u ones included). */
export function plan9FileType(mode: number): FileType {
  if (mode & DMDIR) return 'dir';
  if (mode & DMSYMLINK) return 'symlink';
  if (mode & DMNAMEDPIPE) return 'fifo';
  if (mode & DMSOCKET) return 'socket';
  if (mode & DMDEVICE) return 'char';
  return 'file';
}

const BILLION = 1_000_000_000n;
const clampNumber = (n: bigint): number => (n > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(n));

export function statOfGetattr(r: MsgOf<'Rgetattr'>, dev: number, ino: number): FsStat {
  return {
    type: linuxFileType(r.mode), dev, ino, mode: r.mode & 0o7777, nlink: clampNumber(r.nlink), size: clampNumber(r.size),
    atime: r.atime_sec * BILLION + r.atime_nsec, mtime: r.mtime_sec * BILLION + r.mtime_nsec, ctime: r.ctime_sec * BILLION + r.ctime_nsec,
  };
}

export function statOfPlan9(s: Stat, dev: number, ino: number): FsStat {
  const mtime = BigInt(s.mtime) * BILLION;
  return {
    type: plan9FileType(s.mode), dev, ino, mode: s.mode & 0o777, nlink: 1, size: clampNumber(s.length),
    atime: BigInt(s.atime) * BILLION, mtime, ctime: mtime, uid: s.uid, gid: s.gid,
  };
}

/** Tsetattr's fields for a change; times are set exactly. */
export function setattrOf(c: StatChange): Omit<MsgOf<'Tsetattr'>, 'kind' | 'tag' | 'fid'> {
  let valid = 0;
  if (c.mode !== undefined) valid |= SETATTR_MODE;
  if (c.size !== undefined) valid |= SETATTR_SIZE;
  if (c.atime !== undefined) valid |= SETATTR_ATIME | SETATTR_ATIME_SET;
  if (c.mtime !== undefined) valid |= SETATTR_MTIME | SETATTR_MTIME_SET;
  const at = c.atime ?? 0n, mt = c.mtime ?? 0n;
  return {
    valid, mode: (c.mode ?? 0) & 0o7777, uid: 0, gid: 0, size: BigInt(c.size ?? 0),
    atime_sec: at / BILLION, atime_nsec: at % BILLION, mtime_sec: mt / BILLION, mtime_nsec: mt % BILLION,
  };
}

const u32Seconds = (ns: bigint): number => Number(BigInt.asUintN(32, ns / BILLION));

/** Twstat's stat for a change (wstat(5): everything else "don't touch"); times to the second. */
export function wstatOf(c: StatChange, dialect: Dialect, dir: boolean): Stat {
  const s = nullStat(dialect);
  if (c.size !== undefined) s.length = BigInt(c.size);
  if (c.mode !== undefined) s.mode = ((c.mode & 0o777) | (dir ? DMDIR : 0)) >>> 0;
  if (c.atime !== undefined) s.atime = u32Seconds(c.atime);
  if (c.mtime !== undefined) s.mtime = u32Seconds(c.mtime);
  return s;
}

/** The Twstat that renames a file within its directory. */
export function renameStat(name: string, dialect: Dialect): Stat {
  const s = nullStat(dialect);
  s.name = name;
  return s;
}

// Tlopen/Tlcreate flags: open(2)'s bits as 9P2000.L carries them.
export const L_O_RDONLY = 0, L_O_WRONLY = 1, L_O_RDWR = 2, L_O_CREAT = 0o100, L_O_EXCL = 0o200;
export const L_O_TRUNC = 0o1000, L_O_APPEND = 0o2000, L_O_DIRECTORY = 0o200000;
/** Tunlinkat flag */
export const AT_REMOVEDIR = 0x200;
/** 9P2000.u Tcreate perm bit: a hard link to the fid whose number is the extension */
export const DMLINK = 0x01000000;

export function lopenFlags(f: OpenFlags, dir: boolean): number {
  let n = f.write ? (f.read ? L_O_RDWR : L_O_WRONLY) : L_O_RDONLY;
  if (f.truncate && f.write) n |= L_O_TRUNC;
  if (f.append) n |= L_O_APPEND;
  if (dir) n |= L_O_DIRECTORY;
  return n;
}

/** Topen's mode (open(5)); 9P2000 has no append mode, so the handle appends itself. */
export function openMode(f: OpenFlags): number {
  let n = f.write ? (f.read ? ORDWR : OWRITE) : OREAD;
  if (f.truncate && f.write) n |= OTRUNC;
  return n;
}
