// An in-memory file server: a writable tree with files, directories, symlinks
// and hard links. Used for /tmp and as the model the other servers are checked against.
import { fail } from '../error.ts';
import type { Dirent, File, FileServer, FileType, Handle, OpenFlags, Qid, Stat, StatChange } from './types.ts';
import { newDev } from './types.ts';
import { FileBase, HandleBase } from './defaults.ts';

type Clock = () => bigint;
const wallClock: Clock = () => BigInt(Date.now()) * 1_000_000n;

interface Node {
  qid: Qid;
  mode: number;
  nlink: number;
  atime: bigint;
  mtime: bigint;
  ctime: bigint;
  data: Uint8Array; // capacity; `size` bytes are the file
  size: number;
  children: Map<string, Node> | null;
  target: string;
  parent: Node | null;
}

export class RamFs implements FileServer {
  readonly dev = newDev();
  readonly synchronous = true;
  readonly name: string;
  readonly clock: Clock;
  /** guests may not change a read-only tree; its owner still can, through unlocked() */
  readonly: boolean;
  private nextPath = 1;
  private readonly top: Node;

  constructor(opts: { name?: string; clock?: Clock; readonly?: boolean; quota?: number } = {}) {
    this.quota = opts.quota ?? Infinity;
    this.name = opts.name ?? 'ram';
    this.clock = opts.clock ?? wallClock;
    this.readonly = opts.readonly ?? false;
    this.top = this.node('dir', 0o777, null);
  }

  root(): File { return new RamFile(this, this.top); }

  /** Runs f with the tree writable (for making mount points in a read-only skeleton). */
  unlocked<T>(f: () => T): T {
    const was = this.readonly;
    this.readonly = false;
    try { return f(); } finally { this.readonly = was; }
  }

  writable(): void { if (this.readonly) throw fail('EROFS'); }

  /** Bytes held by all files; writes past `quota` fail with ENOSPC. */
  used = 0;
  readonly quota: number;

  resize(n: Node, size: number): void {
    if (size > MAX_FILE) throw fail('EFBIG');
    if (size > n.size && this.used + size - n.size > this.quota) throw fail('ENOSPC');
    this.used += size - n.size;
    if (size > n.data.length) {
      const grown = new Uint8Array(Math.max(size, Math.min(n.data.length * 2, n.data.length + (64 << 20)), 64));
      grown.set(n.data.subarray(0, n.size));
      n.data = grown;
    } else if (size < n.size) n.data.fill(0, size, n.size);
    n.size = size;
  }

  node(type: FileType, mode: number, parent: Node | null): Node {
    const t = this.clock();
    return {
      qid: { dev: this.dev, path: this.nextPath++, type },
      mode, nlink: 1, atime: t, mtime: t, ctime: t,
      data: EMPTY, size: 0, children: type === 'dir' ? new Map() : null, target: '', parent,
    };
  }
}

const EMPTY = new Uint8Array(0);
/** the largest file (2^40 bytes): beyond it EFBIG, as a disk would say */
const MAX_FILE = 2 ** 40;

function dirOf(n: Node): Map<string, Node> {
  if (!n.children) throw fail('ENOTDIR');
  return n.children;
}

function checkName(name: string): void {
  if (name === '' || name === '.' || name === '..' || name.includes('/')) throw fail('EINVAL', `bad name '${name}'`);
}

class RamFile extends FileBase {
  readonly fs: RamFs;
  readonly n: Node;
  constructor(fs: RamFs, n: Node) { super(); this.fs = fs; this.n = n; }
  get qid(): Qid { return this.n.qid; }

  stat(): Stat {
    const n = this.n;
    return {
      type: n.qid.type, dev: n.qid.dev, ino: n.qid.path, mode: n.mode, nlink: n.nlink,
      size: n.children ? n.children.size : n.qid.type === 'symlink' ? n.target.length : n.size,
      atime: n.atime, mtime: n.mtime, ctime: n.ctime,
    };
  }

  wstat(c: StatChange): void {
    this.fs.writable();
    const n = this.n;
    if (c.size !== undefined) {
      if (n.qid.type !== 'file') throw fail(n.children ? 'EISDIR' : 'EINVAL');
      this.fs.resize(n, c.size);
      n.mtime = this.fs.clock();
    }
    if (c.atime !== undefined) n.atime = c.atime;
    if (c.mtime !== undefined) n.mtime = c.mtime;
    if (c.mode !== undefined) n.mode = c.mode & 0o7777;
    n.ctime = this.fs.clock();
  }

  open(f: OpenFlags): Handle {
    const n = this.n;
    if (f.write) this.fs.writable();
    if (n.children) {
      if (f.write) throw fail('EISDIR');
      return new RamDirHandle(n);
    }
    if (n.qid.type === 'symlink') throw fail('ELOOP');
    if (f.truncate && f.write) { this.fs.resize(n, 0); n.mtime = this.fs.clock(); }
    return new RamHandle(this.fs, n, !!f.append);
  }

  walk(name: string): File {
    const child = dirOf(this.n).get(name);
    if (!child) throw fail('ENOENT');
    return new RamFile(this.fs, child);
  }

  create(name: string, type: 'file' | 'dir', perm: number, exclusive: boolean): File {
    this.fs.writable();
    checkName(name);
    const dir = dirOf(this.n);
    const old = dir.get(name);
    if (old) {
      if (exclusive || type === 'dir') throw fail('EEXIST');
      return new RamFile(this.fs, old);
    }
    const n = this.fs.node(type, perm, this.n);
    dir.set(name, n);
    this.touchDir();
    return new RamFile(this.fs, n);
  }

  remove(name: string, type: 'file' | 'dir'): void {
    this.fs.writable();
    const dir = dirOf(this.n);
    const n = dir.get(name);
    if (!n) throw fail('ENOENT');
    if (type === 'dir') {
      if (!n.children) throw fail('ENOTDIR');
      if (n.children.size) throw fail('ENOTEMPTY');
    } else if (n.children) throw fail('EISDIR');
    dir.delete(name);
    if (--n.nlink === 0) this.fs.resize(n, 0);
    n.ctime = this.fs.clock();
    this.touchDir();
  }

  rename(name: string, to: File, toName: string): void {
    this.fs.writable();
    if (!(to instanceof RamFile) || to.fs !== this.fs) throw fail('EXDEV');
    checkName(toName);
    const src = dirOf(this.n), dst = dirOf(to.n);
    const n = src.get(name);
    if (!n) throw fail('ENOENT');
    if (n.children) for (let p: Node | null = to.n; p; p = p.parent) if (p === n) throw fail('EINVAL', 'cannot move a directory into itself');
    const old = dst.get(toName);
    if (old === n) return;
    if (old) {
      if (n.children && !old.children) throw fail('ENOTDIR');
      if (!n.children && old.children) throw fail('EISDIR');
      if (old.children?.size) throw fail('ENOTEMPTY');
      if (--old.nlink === 0) this.fs.resize(old, 0);
    }
    src.delete(name);
    dst.set(toName, n);
    if (n.children) n.parent = to.n;
    n.ctime = this.fs.clock();
    this.touchDir();
    to.touchDir();
  }

  symlink(name: string, target: string): void {
    this.fs.writable();
    checkName(name);
    const dir = dirOf(this.n);
    if (dir.has(name)) throw fail('EEXIST');
    const n = this.fs.node('symlink', 0o777, this.n);
    n.target = target;
    dir.set(name, n);
    this.touchDir();
  }

  link(name: string, target: File): void {
    this.fs.writable();
    if (!(target instanceof RamFile) || target.fs !== this.fs) throw fail('EXDEV');
    checkName(name);
    const dir = dirOf(this.n);
    if (dir.has(name)) throw fail('EEXIST');
    if (target.n.children) throw fail('EPERM', 'hard link to a directory');
    dir.set(name, target.n);
    target.n.nlink++;
    target.n.ctime = this.fs.clock();
    this.touchDir();
  }

  readlink(): string {
    if (this.n.qid.type !== 'symlink') throw fail('EINVAL');
    return this.n.target;
  }

  private touchDir(): void { this.n.mtime = this.n.ctime = this.fs.clock(); }
}


class RamHandle extends HandleBase {
  readonly seekable = true;
  readonly fs: RamFs;
  readonly n: Node;
  readonly append: boolean;
  constructor(fs: RamFs, n: Node, append: boolean) { super(); this.fs = fs; this.n = n; this.append = append; }

  read(dst: Uint8Array, offset: number): number {
    const n = this.n;
    if (offset >= n.size) return 0;
    const count = Math.min(dst.length, n.size - offset);
    dst.set(n.data.subarray(offset, offset + count));
    return count;
  }

  write(src: Uint8Array, offset: number): number {
    const n = this.n;
    if (this.append) offset = n.size;
    const end = offset + src.length;
    if (end > n.size) this.fs.resize(n, end);
    n.data.set(src, offset);
    n.mtime = this.fs.clock();
    return src.length;
  }

  /** A file with no name left gives back what was written to it since, or the quota never would. */
  close(): void { if (this.n.nlink === 0) this.fs.resize(this.n, 0); }
}

class RamDirHandle extends HandleBase {
  readonly seekable = true;
  readonly n: Node;
  constructor(n: Node) { super(); this.n = n; }
  read(): number { throw fail('EISDIR'); }
  write(): number { throw fail('EISDIR'); }
  readdir(): Dirent[] {
    const out: Dirent[] = [];
    for (const [name, c] of this.n.children!) out.push({ name, type: c.qid.type, ino: c.qid.path });
    return out;
  }
  close(): void {}
}
