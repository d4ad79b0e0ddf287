// An appliance's image as a read-only file server: its own files over its base's,
// over its base's base, merged into one tree the way image layers are (a file of
// an upper layer hides the lower one's; directories merge, all the way down; an
// upper file hides a lower directory of that name, and the other way round).
// Contents are the unpacked bytes, shared, never copied until read; every
// timestamp is zero, so a listing is the same on every host.
import { fail } from '../error.ts';
import { FileBase, HandleBase } from '../fs/defaults.ts';
import type { Dirent, File, FileServer, Handle, OpenFlags, Qid, Stat } from '../fs/types.ts';
import { newDev } from '../fs/types.ts';

interface Node {
  qid: Qid;
  mode: number;
  data: Uint8Array;
  children: Map<string, Node> | null;
}

/** One layer: its entries by path, each a directory or a file's content. */
export interface Layer {
  dirs: Iterable<{ path: string; mode: number }>;
  files: Iterable<{ path: string; mode: number; data: Uint8Array }>;
}

export class ImageFs implements FileServer {
  readonly dev = newDev();
  readonly synchronous = true;
  readonly name: string;
  private nextPath = 1;
  private readonly top: Node;

  /** layers: the top one first */
  constructor(name: string, layers: Layer[]) {
    this.name = name;
    this.top = this.node('dir', 0o755, null);
    for (const layer of [...layers].reverse()) {
      for (const d of layer.dirs) this.put(d.path, 'dir', d.mode, null);
      for (const f of layer.files) this.put(f.path, 'file', f.mode, f.data);
    }
  }

  root(): File { return new ImageFile(this.top); }

  /** The content of a file of the merged image, or null. */
  read(path: string): Uint8Array | null {
    let n: Node | undefined = this.top;
    for (const name of path.split('/').filter(Boolean)) if (!(n = n?.children?.get(name))) return null;
    return n && !n.children ? n.data : null;
  }

  private node(type: 'dir' | 'file', mode: number, data: Uint8Array | null): Node {
    return { qid: { dev: this.dev, path: this.nextPath++, type }, mode, data: data ?? EMPTY, children: type === 'dir' ? new Map() : null };
  }

  /** Puts a path of a layer above what the layers below left there. */
  private put(path: string, type: 'dir' | 'file', mode: number, data: Uint8Array | null): void {
    const names = path.split('/').filter(Boolean);
    let dir = this.top;
    for (const [i, name] of names.entries()) {
      const last = i === names.length - 1;
      let n = dir.children!.get(name);
      // a layer's own file where it also has a directory inside would be two things at one path
      if (!last && n && !n.children) n = undefined;
      if (!n || last && (type === 'file' || !n.children)) {
        n = last ? this.node(type, mode, data) : this.node('dir', 0o755, null);
        dir.children!.set(name, n);
      } else if (last) n.mode = mode;
      dir = n;
    }
  }
}

const EMPTY = new Uint8Array(0);

class ImageFile extends FileBase {
  readonly n: Node;
  constructor(n: Node) { super(); this.n = n; }
  get qid(): Qid { return this.n.qid; }

  stat(): Stat {
    const n = this.n;
    return {
      type: n.qid.type, dev: n.qid.dev, ino: n.qid.path, mode: n.mode, nlink: 1,
      size: n.children ? n.children.size : n.data.length, atime: 0n, mtime: 0n, ctime: 0n,
    };
  }

  open(f: OpenFlags): Handle {
    if (f.write || f.truncate || f.append) throw fail('EROFS');
    return this.n.children ? new DirHandle(this.n) : new ImageHandle(this.n.data);
  }

  walk(name: string): File {
    if (!this.n.children) throw fail('ENOTDIR');
    const c = this.n.children.get(name);
    if (!c) throw fail('ENOENT');
    return new ImageFile(c);
  }

  wstat(): void { throw fail('EROFS'); }
  create(): File { throw fail(this.n.children ? 'EROFS' : 'ENOTDIR'); }
  remove(): void { throw fail(this.n.children ? 'EROFS' : 'ENOTDIR'); }
  rename(): void { throw fail(this.n.children ? 'EROFS' : 'ENOTDIR'); }
  symlink(): void { throw fail(this.n.children ? 'EROFS' : 'ENOTDIR'); }
  link(): void { throw fail(this.n.children ? 'EROFS' : 'ENOTDIR'); }
}

class ImageHandle extends HandleBase {
  readonly seekable = true;
  readonly data: Uint8Array;
  constructor(data: Uint8Array) { super(); this.data = data; }
  read(dst: Uint8Array, offset: number): number {
    if (offset >= this.data.length) return 0;
    const count = Math.min(dst.length, this.data.length - offset);
    dst.set(this.data.subarray(offset, offset + count));
    return count;
  }
  write(): number { throw fail('EROFS'); }
}

class DirHandle extends HandleBase {
  readonly seekable = true;
  readonly n: Node;
  constructor(n: Node) { super(); this.n = n; }
  read(): number { throw fail('EISDIR'); }
  write(): number { throw fail('EISDIR'); }
  readdir(): Dirent[] {
    return [...this.n.children!].map(([name, c]) => ({ name, type: c.qid.type, ino: c.qid.path }));
  }
}
