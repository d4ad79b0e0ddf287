// The file-server interface. A file server hands out Files (a file as the server
// names it, with no open state: Plan 9's fid without the fid) and Handles (an open
// file). Protocol rules (fids, tags, modes, rights, offsets of fds) live above, in the
// 9P server and the WASI layer, so one file server serves both.
//
// Every operation may answer now or later (Maybe): local servers answer at once,
// remote ones and pipes with a Promise, which suspends only the VM that asked.
//
// Every operation is required, so no caller has to ask whether a server has it.
// A server writes the ones it supports and takes the rest from fs/defaults.ts,
// which fail with the errno Plan 9's dev.c defaults (and POSIX) give.

export type Maybe<T> = T | Promise<T>;

export type FileType = 'dir' | 'file' | 'symlink' | 'char' | 'block' | 'fifo' | 'socket';

/** Identity of a file: `path` is unique and stable within its server (`dev`). */
export interface Qid { readonly dev: number; readonly path: number; readonly type: FileType }

export interface Stat {
  type: FileType;
  dev: number;
  ino: number;
  /** permission bits, 0o777 */
  mode: number;
  nlink: number;
  size: number;
  /** nanoseconds since the epoch */
  atime: bigint;
  mtime: bigint;
  ctime: bigint;
  uid?: string;
  gid?: string;
}

export interface StatChange { size?: number; atime?: bigint; mtime?: bigint; mode?: number }

export interface Dirent { name: string; type: FileType; ino: number }

export interface OpenFlags {
  read: boolean;
  write: boolean;
  truncate?: boolean;
  append?: boolean;
}

/** An open file. Offsets belong to the caller; streams ignore them. */
export interface Handle {
  /** false for streams (pipes, consoles): seeking them is ESPIPE */
  readonly seekable: boolean;
  /** Reads into dst at offset; answers the count, 0 at end of file. */
  read(dst: Uint8Array, offset: number): Maybe<number>;
  /** Writes src at offset (at the end when appending); answers the count. */
  write(src: Uint8Array, offset: number): Maybe<number>;
  /** The whole listing of an open directory; ENOTDIR for anything else. */
  readdir(): Maybe<Dirent[]>;
  /** Commits what was written to stable storage (nothing to do for most servers). */
  sync(): Maybe<void>;
  // ready and whenReady are optional on purpose: their absence says something (a
  // file that is always ready, or a stream that can only be asked and waited for).
  /** For poll: is a read (or write) possible now without waiting? */
  ready?(op: 'read' | 'write'): boolean;
  /** For poll: settles when ready(op) may have become true. */
  whenReady?(op: 'read' | 'write'): Promise<void>;
  close(): void;
}

/** A file as its server names it. Directory operations take names, never paths. */
export interface File {
  readonly qid: Qid;
  stat(): Maybe<Stat>;
  open(flags: OpenFlags): Maybe<Handle>;
  wstat(change: StatChange): Maybe<void>;
  // directories
  walk(name: string): Maybe<File>;
  create(name: string, type: 'file' | 'dir', perm: number, exclusive: boolean): Maybe<File>;
  remove(name: string, type: 'file' | 'dir'): Maybe<void>;
  rename(name: string, to: File, toName: string): Maybe<void>;
  symlink(name: string, target: string): Maybe<void>;
  link(name: string, target: File): Maybe<void>;
  // symlinks
  readlink(): Maybe<string>;
}

/** A tree of Files with one root; `dev` numbers it among the kernel's servers. */
export interface FileServer {
  readonly dev: number;
  readonly name: string;
  readonly readonly?: boolean;
  /** true when no operation ever answers with a Promise (local servers) */
  readonly synchronous?: boolean;
  /** true when a guest may make only symlinks that stay inside the tree (fs/confine.ts): a host directory */
  readonly confined?: boolean;
  root(): File;
}

let nextDev = 1;
/** Device numbers are only identities within one process, never shown as state. */
export function newDev(): number { return nextDev++; }

/** then() that stays synchronous when the value is already here. */
export function then<T, U>(x: Maybe<T>, f: (v: T) => Maybe<U>): Maybe<U> {
  return x instanceof Promise ? x.then(f) : f(x);
}
