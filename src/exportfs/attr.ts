// What the 9P server says about a file: a file server's Stat turned into a
// qid, a stat(5) record (9P2000, .u) or an Rgetattr (.L), and the open flags of
// Topen and Tlopen turned back into OpenFlags. Pure functions; the server owns
// the qid.path numbering (see QidMap in server.ts).
//
// Devices, pipes and sockets are shown as plain files: a remote Linux client
// would otherwise open its own device node instead of reading ours, and in
// Goblin a device is just a file (Plan 9's view).

import { fail } from '../error.ts';
import type { FileType, OpenFlags, Stat as FsStat } from '../fs/types.ts';
import {
  type Dialect, DMDIR, DMSETGID, DMSETUID, DMSETVTX, DMSYMLINK, GETATTR_BASIC, NONUNAME, ORDWR, OTRUNC, OWRITE, QTDIR, QTSYMLINK,
} from '../ninep/consts.ts';
import type { MsgOf, Stat } from '../ninep/messages.ts';
import type { Qid } from '../ninep/qid.ts';

export const qidType = (t: FileType): number => (t === 'dir' ? QTDIR : t === 'symlink' ? QTSYMLINK : 0);

// Linux file type bits (stat(2)) and dirent d_type values (readdir(3)).
const S_IFDIR = 0o040000, S_IFREG = 0o100000, S_IFLNK = 0o120000;
export const direntType = (t: FileType): number => (t === 'dir' ? 4 : t === 'symlink' ? 10 : 8);
const linuxMode = (t: FileType, perm: number): number =>
  (t === 'dir' ? S_IFDIR : t === 'symlink' ? S_IFLNK : S_IFREG) | (perm & 0o7777);

const BILLION = 1_000_000_000n;
const seconds = (ns: bigint): bigint => (ns > 0n ? ns / BILLION : 0n);
const nanos = (ns: bigint): bigint => (ns > 0n ? ns % BILLION : 0n);
const u32Seconds = (ns: bigint): number => Number(BigInt.asUintN(32, seconds(ns)));

/** Who the files belong to, as the attaching client named itself. */
export interface Owner { readonly uname: string; readonly uid: number }

export function getattr(tag: number, qid: Qid, st: FsStat, owner: Owner): MsgOf<'Rgetattr'> {
  const size = BigInt(Math.max(0, st.size));
  const id = ownerId(owner);
  return {
    kind: 'Rgetattr', tag, valid: GETATTR_BASIC, qid,
    mode: linuxMode(st.type, st.mode), uid: id, gid: id, nlink: BigInt(Math.max(0, st.nlink)), rdev: 0n,
    size, blksize: 4096n, blocks: (size + 511n) / 512n,
    atime_sec: seconds(st.atime), atime_nsec: nanos(st.atime),
    mtime_sec: seconds(st.mtime), mtime_nsec: nanos(st.mtime),
    ctime_sec: seconds(st.ctime), ctime_nsec: nanos(st.ctime),
    btime_sec: 0n, btime_nsec: 0n, gen: 0n, data_version: 0n,
  };
}

/** A stat(5) record; `extension` is the symlink target in 9P2000.u. */
export function stat9p(qid: Qid, st: FsStat, name: string, owner: Owner, dialect: Dialect, extension: string): Stat {
  let mode = st.mode & 0o777;
  if (st.type === 'dir') mode |= DMDIR;
  if (st.type === 'symlink' && dialect !== '9P2000') mode |= DMSYMLINK;
  const { uid, gid } = ownerNames(st, owner);
  const s: Stat = {
    type: 0, dev: 0, qid, mode: mode >>> 0, atime: u32Seconds(st.atime), mtime: u32Seconds(st.mtime),
    length: st.type === 'dir' ? 0n : BigInt(Math.max(0, st.size)), name, uid, gid, muid: uid,
  };
  if (dialect !== '9P2000') Object.assign(s, { extension, n_uid: owner.uid, n_gid: owner.uid, n_muid: owner.uid });
  return s;
}

/**
 * The Unix permission bits a stat(5) mode or Tcreate perm asks for: the low
 * nine, plus setuid, setgid and sticky from 9P2000.u's bits (or from Unix's own
 * place, which a careless client may use), so that a file server sees them and
 * can refuse them instead of their being dropped without a word.
 */
export function unixPerm(mode: number): number {
  return (mode & 0o7777) | (mode & DMSETUID ? 0o4000 : 0) | (mode & DMSETGID ? 0o2000 : 0) | (mode & DMSETVTX ? 0o1000 : 0);
}

/** The numeric id files are reported as owned by (Rgetattr's uid and gid). */
export const ownerId = (owner: Owner): number => (owner.uid === NONUNAME ? 0 : owner.uid);

/** The names a stat(5) reports as the file's owner and group. */
export function ownerNames(st: FsStat, owner: Owner): { uid: string; gid: string } {
  const uid = st.uid ?? (owner.uname || 'none');
  return { uid, gid: st.gid ?? uid };
}

/** Topen/Tcreate mode (open(5)) as OpenFlags. */
export function openMode(mode: number): OpenFlags {
  const acc = mode & 3;
  return {
    read: acc !== OWRITE,
    write: acc === OWRITE || acc === ORDWR,
    truncate: (mode & OTRUNC) !== 0,
  };
}

// Tlopen/Tlcreate flags: Linux's open(2) bits as 9P2000.L carries them.
export const L_O_CREAT = 0o100, L_O_EXCL = 0o200, L_O_TRUNC = 0o1000, L_O_APPEND = 0o2000, L_O_DIRECTORY = 0o200000;
/** Tunlinkat flags */
export const AT_REMOVEDIR = 0x200;

/** Tlopen/Tlcreate flags as OpenFlags. */
export function lopenFlags(flags: number): OpenFlags {
  const acc = flags & 3;
  if (acc === 3) throw fail('EINVAL', `bad open flags 0${flags.toString(8)}`);
  return {
    read: acc !== 1,
    write: acc !== 0,
    truncate: (flags & L_O_TRUNC) !== 0,
    append: (flags & L_O_APPEND) !== 0,
  };
}

/** Does opening with these flags change anything? (EROFS on a read-only export) */
export const mutates = (f: OpenFlags): boolean => f.write || !!f.truncate;
