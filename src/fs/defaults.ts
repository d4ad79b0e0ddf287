// Default file-server operations, as Plan 9's dev.c gives every device (devcreate,
// devremove, devwstat: Eperm; a walk from a file: Enotdir). A server writes the
// operations it has and inherits these for the rest, so every File and Handle has
// every method and a caller never meets one that is missing: an operation a server
// lacks is an errno for whoever asked (a VM, a 9P client), never a TypeError.
//
//   class MyFile extends FileBase { ... }               a server's own class
//   file({ qid, stat: () => st, open: () => h })        an object: the rest are defaults
//   handle({ seekable: false, read, write })            likewise for an open file
//
// The errnos, per operation (POSIX where Plan 9 has no word):
//   walk                 ENOENT in a directory (it names nothing), ENOTDIR elsewhere
//   create remove rename symlink link
//                        EPERM in a directory (this server does not make or drop names,
//                        Linux's answer for a file system without the operation), ENOTDIR elsewhere
//   wstat                EPERM
//   readlink             EINVAL (readlink(2) of what is not a symlink)
//   readdir              ENOTDIR
//   sync                 succeeds: a server that buffers nothing has nothing to commit
import { fail, type Errno } from '../error.ts';
import type { Dirent, File, Handle, Maybe, OpenFlags, Qid, Stat, StatChange } from './types.ts';

const inDir = (f: File, errno: Errno) => fail(f.qid.type === 'dir' ? errno : 'ENOTDIR');

/** A File whose optional operations fail as Plan 9's defaults do; a server extends it. */
export abstract class FileBase implements File {
  abstract readonly qid: Qid;
  abstract stat(): Maybe<Stat>;
  abstract open(flags: OpenFlags): Maybe<Handle>;
  wstat(_change: StatChange): Maybe<void> { throw fail('EPERM'); }
  walk(_name: string): Maybe<File> { throw inDir(this, 'ENOENT'); }
  create(_name: string, _type: 'file' | 'dir', _perm: number, _exclusive: boolean): Maybe<File> { throw inDir(this, 'EPERM'); }
  remove(_name: string, _type: 'file' | 'dir'): Maybe<void> { throw inDir(this, 'EPERM'); }
  rename(_name: string, _to: File, _toName: string): Maybe<void> { throw inDir(this, 'EPERM'); }
  symlink(_name: string, _target: string): Maybe<void> { throw inDir(this, 'EPERM'); }
  link(_name: string, _target: File): Maybe<void> { throw inDir(this, 'EPERM'); }
  readlink(): Maybe<string> { throw fail('EINVAL'); }
}

/** A Handle with the defaults for what a plain file or stream lacks; a server extends it. */
export abstract class HandleBase implements Handle {
  abstract readonly seekable: boolean;
  abstract read(dst: Uint8Array, offset: number): Maybe<number>;
  abstract write(src: Uint8Array, offset: number): Maybe<number>;
  readdir(): Maybe<Dirent[]> { throw fail('ENOTDIR'); }
  sync(): Maybe<void> {}
  close(): void {}
}

/** What file() needs; every other operation may be left out. */
export type FileParts = Pick<File, 'qid' | 'stat' | 'open'> & Partial<File>;
/** What handle() needs; every other operation may be left out. */
export type HandleParts = Pick<Handle, 'seekable' | 'read' | 'write'> & Partial<Handle>;

// The parts object itself gets the base class's prototype (its getters stay
// getters), so the defaults are the same methods a subclass inherits; a VM makes
// several of these per start, and copying the parts' descriptors cost more than
// running a small program.

/** A File from an object with some of the operations: the rest are FileBase's. */
export function file<T extends FileParts>(parts: T): T & File {
  return Object.setPrototypeOf(parts, FileBase.prototype) as T & File;
}

/** A Handle from an object with some of the operations: the rest are HandleBase's. */
export function handle<T extends HandleParts>(parts: T): T & Handle {
  return Object.setPrototypeOf(parts, HandleBase.prototype) as T & Handle;
}
