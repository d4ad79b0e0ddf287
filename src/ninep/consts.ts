// Numbers fixed by the protocol: sentinels, sizes, and the bit values that
// travel inside message fields (see intro(5), open(5), stat(5), and for
// 9P2000.L the Linux 9p header and diod's protocol notes).

/** The three dialects, spelled as they are in Tversion. */
export type Dialect = '9P2000' | '9P2000.u' | '9P2000.L';

export const NOTAG = 0xffff; // the tag of Tversion
export const NOFID = 0xffffffff; // "no afid" in Tattach
export const NONUNAME = 0xffffffff; // "no numeric uid" in .u/.L attach and .u stat

/** size[4] type[1] tag[2]: the smallest possible message. */
export const HEADER_SIZE = 7;
/** Walks carry at most this many names (walk(5)). */
export const MAXWELEM = 16;
/** Room for the fixed part of Twrite/Rread; iounit = msize - IOHDRSZ. */
export const IOHDRSZ = 24;
/** Linux refuses a smaller msize; so do we. */
export const MIN_MSIZE = 4096;
/** A 1 MiB payload per read or write, plus its header. */
export const DEFAULT_MSIZE = (1 << 20) + IOHDRSZ;
/** Hard ceiling on any negotiated msize (and so on any buffer we allocate). */
export const MAX_MSIZE = 1 << 24;

// qid.type bits, echoed from the high byte of stat.mode
export const QTDIR = 0x80;
export const QTAPPEND = 0x40;
export const QTEXCL = 0x20;
export const QTMOUNT = 0x10;
export const QTAUTH = 0x08;
export const QTTMP = 0x04;
export const QTSYMLINK = 0x02; // .u and .L
export const QTFILE = 0x00;

// stat.mode / Tcreate perm bits
export const DMDIR = 0x80000000;
export const DMAPPEND = 0x40000000;
export const DMEXCL = 0x20000000;
export const DMMOUNT = 0x10000000;
export const DMAUTH = 0x08000000;
export const DMTMP = 0x04000000;
export const DMSYMLINK = 0x02000000; // .u
export const DMDEVICE = 0x00800000; // .u
export const DMNAMEDPIPE = 0x00200000; // .u
export const DMSOCKET = 0x00100000; // .u
export const DMSETUID = 0x00080000; // .u
export const DMSETGID = 0x00040000; // .u
export const DMSETVTX = 0x00010000; // .u (Linux's name for the sticky bit)

// Topen/Tcreate mode
export const OREAD = 0;
export const OWRITE = 1;
export const ORDWR = 2;
export const OEXEC = 3;
export const OTRUNC = 0x10;
export const ORCLOSE = 0x40;

// Tgetattr request_mask / Rgetattr valid (bigint: the fields are u64)
export const GETATTR_MODE = 0x1n;
export const GETATTR_NLINK = 0x2n;
export const GETATTR_UID = 0x4n;
export const GETATTR_GID = 0x8n;
export const GETATTR_RDEV = 0x10n;
export const GETATTR_ATIME = 0x20n;
export const GETATTR_MTIME = 0x40n;
export const GETATTR_CTIME = 0x80n;
export const GETATTR_INO = 0x100n;
export const GETATTR_SIZE = 0x200n;
export const GETATTR_BLOCKS = 0x400n;
export const GETATTR_BTIME = 0x800n;
export const GETATTR_GEN = 0x1000n;
export const GETATTR_DATA_VERSION = 0x2000n;
export const GETATTR_BASIC = 0x7ffn;
export const GETATTR_ALL = 0x3fffn;

// Tsetattr valid
export const SETATTR_MODE = 0x1;
export const SETATTR_UID = 0x2;
export const SETATTR_GID = 0x4;
export const SETATTR_SIZE = 0x8;
export const SETATTR_ATIME = 0x10;
export const SETATTR_MTIME = 0x20;
export const SETATTR_CTIME = 0x40;
export const SETATTR_ATIME_SET = 0x80;
export const SETATTR_MTIME_SET = 0x100;

// Tlock/Tgetlock type, Tlock flags, Rlock status
export const LOCK_TYPE_RDLCK = 0;
export const LOCK_TYPE_WRLCK = 1;
export const LOCK_TYPE_UNLCK = 2;
export const LOCK_FLAGS_BLOCK = 1;
export const LOCK_FLAGS_RECLAIM = 2;
export const LOCK_SUCCESS = 0;
export const LOCK_BLOCKED = 1;
export const LOCK_ERROR = 2;
export const LOCK_GRACE = 3;
