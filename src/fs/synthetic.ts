// Synthetic trees from tables, as Plan 9's Dirtab and devgen: a directory is a table
// of entries, or a generator for dynamic ones (/proc). A file is either text made
// at open (status, ns), a command sink (ctl), or a handle of its own (cons, null).
import { fail } from '../error.ts';
import type { Dirent, File, FileServer, FileType, Handle, OpenFlags, Qid, Stat } from './types.ts';
import { newDev } from './types.ts';
import { FileBase, handle, HandleBase } from './defaults.ts';

export interface Entry {
  name: string;
  type?: 'file' | 'dir' | 'char';
  perm?: number;
  /** directories: their entries now */
  list?(): Entry[];
  /** files: contents made at open */
  text?(): string | Uint8Array;
  /** files: what a write says; one call per write */
  write?(data: Uint8Array): void;
  /** files with behaviour of their own */
  open?(flags: OpenFlags): Handle;
  /** directories: create a file (as in /env) */
  create?(name: string): void;
  remove?(): void;
  /** files: the size stat reports (default: the length of text()) */
  size?(): number;
}

const enc = new TextEncoder();

export class SyntheticFs implements FileServer {
  readonly dev = newDev();
  readonly synchronous = true;
  readonly name: string;
  private readonly top: Entry;
  private readonly paths = new Map<string, number>();
  private readonly clock: () => bigint;

  constructor(name: string, top: Entry, clock: () => bigint = () => 0n) {
    this.name = name;
    this.top = top;
    this.clock = clock;
  }

  root(): File { return new SynthFile(this, this.top, '/'); }

  qidPath(key: string): number {
    let p = this.paths.get(key);
    if (p === undefined) this.paths.set(key, p = this.paths.size + 1);
    return p;
  }

  now(): bigint { return this.clock(); }
}

class SynthFile extends FileBase {
  readonly fs: SyntheticFs;
  readonly e: Entry;
  readonly key: string;
  readonly qid: Qid;
  constructor(fs: SyntheticFs, e: Entry, key: string) {
    super();
    this.fs = fs; this.e = e; this.key = key;
    const type: FileType = e.type ?? (e.list ? 'dir' : 'file');
    this.qid = { dev: fs.dev, path: fs.qidPath(key), type };
  }

  stat(): Stat {
    const e = this.e, t = this.fs.now();
    const size = this.qid.type === 'dir' ? 0 : e.size ? e.size() : e.text ? bytes(e.text()).length : 0;
    return { type: this.qid.type, dev: this.qid.dev, ino: this.qid.path, mode: e.perm ?? (this.qid.type === 'dir' ? 0o555 : 0o444), nlink: 1, size, atime: t, mtime: t, ctime: t };
  }

  walk(name: string): File {
    if (!this.e.list) throw fail('ENOTDIR');
    const child = this.e.list().find(c => c.name === name);
    if (!child) throw fail('ENOENT');
    return new SynthFile(this.fs, child, this.key + name + '/');
  }

  open(f: OpenFlags): Handle {
    const e = this.e;
    if (e.list) {
      if (f.write) throw fail('EISDIR');
      return new ListHandle(this);
    }
    if (e.open) return e.open(f);
    if (f.write && !e.write) throw fail('EACCES');
    if (f.read && !e.text) throw fail('EACCES');
    return new TextHandle(e, f.read && e.text ? bytes(e.text()) : new Uint8Array(0));
  }

  create(name: string, type: 'file' | 'dir'): File {
    if (!this.e.create || type !== 'file') throw fail('EACCES');
    this.e.create(name);
    return this.walk(name);
  }

  remove(name: string): void {
    const child = this.e.list?.().find(c => c.name === name);
    if (!child) throw fail('ENOENT');
    if (!child.remove) throw fail('EACCES');
    child.remove();
  }

  wstat(c: { size?: number }): void {
    // truncating a text file before writing it is harmless (as O_TRUNC on /env/x)
    if (c.size === 0 && this.e.write) return;
    throw fail('EACCES');
  }

  dirents(): Dirent[] {
    return this.e.list!().map(c => {
      const f = new SynthFile(this.fs, c, this.key + c.name + '/');
      return { name: c.name, type: f.qid.type, ino: f.qid.path };
    });
  }
}

const bytes = (t: string | Uint8Array): Uint8Array => (typeof t === 'string' ? enc.encode(t) : t);

class TextHandle extends HandleBase {
  readonly seekable = true;
  readonly e: Entry;
  readonly data: Uint8Array;
  constructor(e: Entry, data: Uint8Array) { super(); this.e = e; this.data = data; }
  read(dst: Uint8Array, offset: number): number {
    const n = Math.max(0, Math.min(dst.length, this.data.length - offset));
    dst.set(this.data.subarray(offset, offset + n));
    return n;
  }
  write(src: Uint8Array): number {
    if (!this.e.write) throw fail('EACCES');
    this.e.write(src.slice());
    return src.length;
  }
}

class ListHandle extends HandleBase {
  readonly seekable = true;
  readonly f: SynthFile;
  constructor(f: SynthFile) { super(); this.f = f; }
  read(): number { throw fail('EISDIR'); }
  write(): number { throw fail('EISDIR'); }
  readdir(): Dirent[] { return this.f.dirents(); }
}

/** A stream handle from two functions: the shape of /dev/null, /dev/zero, /dev/random. */
export function streamHandle(read: (dst: Uint8Array) => number, write: (src: Uint8Array) => number): Handle {
  return handle({ seekable: false, read, write });
}
