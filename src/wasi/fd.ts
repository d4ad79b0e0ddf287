// The fd table of one VM: what each WASI descriptor refers to. A descriptor opened
// by path keeps its chan (its place in the namespace) so path calls can start there;
// the byte position belongs to the descriptor, not to the file server.
import { fail } from '../error.ts';
import type { Dirent, FileType, Handle } from '../fs/types.ts';
import type { Chan } from '../ns/namespace.ts';

export const FILETYPE: Record<FileType, number> = {
  block: 1, char: 2, dir: 3, file: 4, socket: 6, symlink: 7, fifo: 0,
};

// rights, as witx numbers them
export const R = {
  FD_DATASYNC: 1n << 0n, FD_READ: 1n << 1n, FD_SEEK: 1n << 2n, FD_FDSTAT_SET_FLAGS: 1n << 3n,
  FD_SYNC: 1n << 4n, FD_TELL: 1n << 5n, FD_WRITE: 1n << 6n, FD_ADVISE: 1n << 7n, FD_ALLOCATE: 1n << 8n,
  PATH_CREATE_DIRECTORY: 1n << 9n, PATH_CREATE_FILE: 1n << 10n, PATH_LINK_SOURCE: 1n << 11n,
  PATH_LINK_TARGET: 1n << 12n, PATH_OPEN: 1n << 13n, FD_READDIR: 1n << 14n, PATH_READLINK: 1n << 15n,
  PATH_RENAME_SOURCE: 1n << 16n, PATH_RENAME_TARGET: 1n << 17n, PATH_FILESTAT_GET: 1n << 18n,
  PATH_FILESTAT_SET_SIZE: 1n << 19n, PATH_FILESTAT_SET_TIMES: 1n << 20n, FD_FILESTAT_GET: 1n << 21n,
  FD_FILESTAT_SET_SIZE: 1n << 22n, FD_FILESTAT_SET_TIMES: 1n << 23n, PATH_SYMLINK: 1n << 24n,
  PATH_REMOVE_DIRECTORY: 1n << 25n, PATH_UNLINK_FILE: 1n << 26n, POLL_FD_READWRITE: 1n << 27n,
  SOCK_SHUTDOWN: 1n << 28n, SOCK_ACCEPT: 1n << 29n,
};
export const RIGHTS_ALL = (1n << 30n) - 1n;
export const RIGHTS_FILE = R.FD_DATASYNC | R.FD_READ | R.FD_SEEK | R.FD_FDSTAT_SET_FLAGS | R.FD_SYNC | R.FD_TELL |
  R.FD_WRITE | R.FD_ADVISE | R.FD_ALLOCATE | R.FD_FILESTAT_GET | R.FD_FILESTAT_SET_SIZE | R.FD_FILESTAT_SET_TIMES | R.POLL_FD_READWRITE;
export const RIGHTS_DIR = R.FD_FDSTAT_SET_FLAGS | R.FD_SYNC | R.FD_ADVISE | R.PATH_CREATE_DIRECTORY | R.PATH_CREATE_FILE |
  R.PATH_LINK_SOURCE | R.PATH_LINK_TARGET | R.PATH_OPEN | R.FD_READDIR | R.PATH_READLINK | R.PATH_RENAME_SOURCE |
  R.PATH_RENAME_TARGET | R.PATH_FILESTAT_GET | R.PATH_FILESTAT_SET_SIZE | R.PATH_FILESTAT_SET_TIMES |
  R.FD_FILESTAT_GET | R.FD_FILESTAT_SET_TIMES | R.PATH_SYMLINK | R.PATH_REMOVE_DIRECTORY | R.PATH_UNLINK_FILE;
export const RIGHTS_STREAM = R.FD_READ | R.FD_WRITE | R.FD_FDSTAT_SET_FLAGS | R.FD_FILESTAT_GET | R.POLL_FD_READWRITE;

export const FDFLAG = { APPEND: 1, DSYNC: 2, NONBLOCK: 4, RSYNC: 8, SYNC: 16 };
export const FDFLAGS_ALL = FDFLAG.APPEND | FDFLAG.DSYNC | FDFLAG.NONBLOCK | FDFLAG.RSYNC | FDFLAG.SYNC;

/** What a descriptor is made of; rights follow from its type and how it was opened. */
export interface FdInit {
  type: FileType;
  /** its place in the namespace (null for stdio) */
  chan?: Chan | null;
  /** for the root preopen: the chan, taken from the namespace when it is first needed */
  lazyChan?: () => Chan;
  /** the open file (null for a directory) */
  handle?: Handle | null;
  readable: boolean;
  writable: boolean;
}

export class Fd {
  readonly type: FileType;
  private place: Chan | null;
  private readonly lazyChan: (() => Chan) | null = null;
  handle: Handle | null;
  readonly readable: boolean;
  readonly writable: boolean;
  pos = 0;
  flags = 0;
  base: bigint;
  inheriting: bigint;
  preopen: string | null = null;
  /** a directory's listing, kept from the fd_readdir that began at cookie 0 */
  listing: Dirent[] | null = null;

  /** A descriptor of the VM's standard input (0), output (1) or error (2). */
  static stdio(h: Handle, fd: number): Fd {
    return new Fd({ type: h.seekable ? 'file' : 'fifo', handle: h, readable: fd === 0, writable: fd !== 0 });
  }

  /** The root preopen: the namespace's root, built at first use (it may be renumbered, but it is this object). */
  static root(chan: () => Chan): Fd {
    const f = new Fd({ type: 'dir', lazyChan: chan, readable: true, writable: false });
    f.preopen = '/';
    return f;
  }

  constructor({ type, chan = null, lazyChan, handle = null, readable, writable }: FdInit) {
    this.type = type;
    this.place = chan;
    if (lazyChan) this.lazyChan = lazyChan;
    this.handle = handle;
    this.readable = readable;
    this.writable = writable;
    const all = type === 'dir' ? RIGHTS_DIR : handle && !handle.seekable ? RIGHTS_STREAM : RIGHTS_FILE;
    this.base = all & ~(readable ? 0n : R.FD_READ | R.FD_READDIR) & ~(writable ? 0n : R.FD_WRITE | R.FD_ALLOCATE | R.FD_FILESTAT_SET_SIZE | R.FD_DATASYNC);
    this.inheriting = type === 'dir' ? RIGHTS_ALL : 0n;
  }

  /** The descriptor's place in the namespace (null for stdio). */
  get chan(): Chan | null { return this.place ??= this.lazyChan?.() ?? null; }
}

/** descriptors one VM may hold (host descriptors are shared by every VM of the process) */
export const MAX_FDS = 1024;

export class FdTable {
  readonly fds: (Fd | undefined)[] = [];

  get(fd: number): Fd {
    const f = this.fds[fd];
    if (!f) throw fail('EBADF');
    return f;
  }

  add(f: Fd): number {
    let i = 3;
    while (this.fds[i]) i++;
    if (i >= MAX_FDS) throw fail('EMFILE');
    this.fds[i] = f;
    return i;
  }

  set(fd: number, f: Fd): void { this.fds[fd] = f; }

  close(fd: number): void {
    const f = this.get(fd);
    this.fds[fd] = undefined;
    f.handle?.close();
  }

  closeAll(): void {
    for (let i = 0; i < this.fds.length; i++) if (this.fds[i]) this.close(i);
  }
}
