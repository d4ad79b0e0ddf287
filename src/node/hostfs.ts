// A confined host directory as a file server ('#U/dir', `--dir HOST::GUEST`).
// Nothing inside can reach outside it:
// - names are walked one at a time with lstat; the host never follows a symlink
//   for us (opens use O_NOFOLLOW); symlinks come back as symlinks, and the
//   namespace walker reads their text and resolves it inside the namespace;
// - a File remembers its path below the root and the (dev, ino) it had; after
//   any rename or removal through this server the path is checked again, one
//   component at a time, so a directory swapped for a symlink is caught;
// - hard links are made only between Files of this same server.
// BUGS: a host process racing us (swapping a directory for a symlink between our
// check and our use) is not stopped: Node has no openat.
import * as fs from 'node:fs';
import { fail } from '../error.ts';
import type { Dirent, File, FileServer, FileType, Handle, OpenFlags, Qid, Stat, StatChange } from '../fs/types.ts';
import { newDev } from '../fs/types.ts';
import { FileBase, HandleBase } from '../fs/defaults.ts';
import { hostError } from './host-error.ts';

let generation = 0;

/** lstat/fstat options, made once (they are on the hot path of every walk) */
const BIG = { bigint: true } as const;

const { O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_EXCL, O_TRUNC, O_APPEND, O_NOFOLLOW } = fs.constants;


function guard<T>(f: () => T): T {
  try { return f(); } catch (e) { throw hostError(e); }
}

function typeOf(st: fs.BigIntStats | fs.Stats): FileType {
  if (st.isDirectory()) return 'dir';
  if (st.isFile()) return 'file';
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isCharacterDevice()) return 'char';
  if (st.isBlockDevice()) return 'block';
  if (st.isFIFO()) return 'fifo';
  return 'socket';
}

function checkName(name: string): void {
  if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0')) throw fail('EINVAL', `bad name '${name}'`);
}

export class HostFs implements FileServer {
  readonly dev = newDev();
  readonly synchronous = true;
  readonly name: string;
  readonly base: string;
  readonly readonly: boolean;
  /** the identity the base directory had when it was bound */
  baseIno = 0n;
  baseDev = 0n;
  /**
   * bumped by every rename and removal through any HostFs of this process (two may
   * overlap on the host): Files made before it re-check their path
   */
  get generation(): number { return generation; }
  set generation(n: number) { generation = n; }
  /** counts operations: a walk's lstat serves a stat only if nothing came between */
  ops = 0;
  /**
   * Node sets file times from a double of seconds, which loses nanoseconds. What a
   * guest set is remembered here, keyed by inode, beside what the host then stored;
   * while the host still holds that value, stat reports the guest's exact one.
   */
  readonly times = new Map<string, { atime: [bigint, bigint]; mtime: [bigint, bigint] }>();
  private readonly top: HostFile;

  constructor(dir: string, readonly = false) {
    this.base = fs.realpathSync(dir);
    this.name = this.base;
    this.readonly = readonly;
    const st = guard(() => fs.lstatSync(this.base, BIG));
    if (!st.isDirectory()) throw fail('ENOTDIR', `${dir} is not a directory`);
    this.baseIno = st.ino;
    this.baseDev = st.dev;
    this.top = new HostFile(this, '', st);
  }

  root(): File { return this.top; }

  host(rel: string): string { return rel ? `${this.base}/${rel}` : this.base; }

  writable(): void { if (this.readonly) throw fail('EROFS'); }
}

class HostFile extends FileBase {
  readonly fs: HostFs;
  readonly rel: string;
  readonly qid: Qid;
  private ino: bigint;
  private hdev: bigint;
  private gen: number;
  /** the lstat the walk made, used once by the stat that usually follows */
  private fresh: fs.BigIntStats | null;
  private freshAt: number;

  constructor(hfs: HostFs, rel: string, st: fs.BigIntStats) {
    super();
    this.fs = hfs;
    this.rel = rel;
    this.ino = st.ino;
    this.hdev = st.dev;
    this.gen = hfs.generation;
    this.fresh = st;
    this.freshAt = ++hfs.ops;
    this.qid = { dev: hfs.dev, path: Number(st.ino), type: typeOf(st) };
  }

  /** The host path, after making sure it still names this file through directories only. */
  private path(): string {
    if (this.gen !== this.fs.generation) {
      // the base itself may have been renamed away and replaced (through another bind)
      const b = guard(() => fs.lstatSync(this.fs.base, BIG));
      if (!b.isDirectory() || b.ino !== this.fs.baseIno || b.dev !== this.fs.baseDev) throw fail('ENOENT', 'stale file');
      let at = '';
      const parts = this.rel ? this.rel.split('/') : [];
      parts.forEach((p, i) => {
        at = at ? `${at}/${p}` : p;
        const st = guard(() => fs.lstatSync(this.fs.host(at), BIG));
        if (i < parts.length - 1 && !st.isDirectory()) throw fail('ENOENT', 'stale file');
        if (i === parts.length - 1 && (st.ino !== this.ino || st.dev !== this.hdev)) throw fail('ENOENT', 'stale file');
      });
      this.gen = this.fs.generation;
    }
    return this.fs.host(this.rel);
  }

  private child(name: string): string {
    checkName(name);
    if (this.qid.type !== 'dir') throw fail('ENOTDIR');
    const p = this.path();
    return `${p}/${name}`;
  }

  private lstat(): fs.BigIntStats {
    const st = guard(() => fs.lstatSync(this.path(), BIG));
    if (st.ino !== this.ino || st.dev !== this.hdev) throw fail('ENOENT', 'stale file');
    return st;
  }

  stat(): Stat {
    const st = this.fresh && this.freshAt === this.fs.ops ? this.fresh : this.lstat();
    this.fresh = null;
    this.fs.ops++;
    const exact = this.fs.times.size ? this.fs.times.get(`${st.dev}:${st.ino}`) : undefined;
    const time = (host: bigint, kept?: [bigint, bigint]) => (kept && kept[1] === host ? kept[0] : host);
    return {
      type: this.qid.type, dev: this.fs.dev, ino: Number(st.ino), mode: Number(st.mode) & 0o7777,
      nlink: Number(st.nlink), size: Number(st.size),
      atime: time(st.atimeNs, exact?.atime), mtime: time(st.mtimeNs, exact?.mtime), ctime: st.ctimeNs,
    };
  }

  walk(name: string): File {
    this.fs.ops++;
    const p = this.child(name);
    return new HostFile(this.fs, this.rel ? `${this.rel}/${name}` : name, guard(() => fs.lstatSync(p, BIG)));
  }

  open(f: OpenFlags): Handle {
    this.fs.ops++;
    if (this.qid.type === 'symlink') throw fail('ELOOP');
    if (f.write || f.truncate) this.fs.writable();
    const p = this.path();
    if (this.qid.type === 'dir') {
      if (f.write) throw fail('EISDIR');
      return new HostDirHandle(this, p);
    }
    const mode = (f.read && f.write ? O_RDWR : f.write ? O_WRONLY : O_RDONLY) | (f.truncate && f.write ? O_TRUNC : 0) | (f.append ? O_APPEND : 0) | O_NOFOLLOW;
    const fd = guard(() => fs.openSync(p, mode));
    const st = fs.fstatSync(fd, BIG);
    if (st.ino !== this.ino || st.dev !== this.hdev) { fs.closeSync(fd); throw fail('ENOENT', 'stale file'); }
    return new HostHandle(fd, this.qid.type === 'file');
  }

  wstat(c: StatChange): void {
    this.fs.writable();
    this.fs.ops++;
    const p = this.path();
    guard(() => {
      if (c.size !== undefined) {
        if (this.qid.type === 'dir') throw fail('EISDIR');
        const fd = fs.openSync(p, O_WRONLY | O_NOFOLLOW);
        try { fs.ftruncateSync(fd, c.size); } finally { fs.closeSync(fd); }
      }
      // chmod follows symlinks (there is no lchmod on Linux): never on one
      if (c.mode !== undefined) {
        if (this.qid.type === 'symlink') throw fail('ENOTSUP', 'the mode of a symlink cannot change');
        fs.chmodSync(p, c.mode);
      }
      if (c.atime !== undefined || c.mtime !== undefined) {
        const old = this.stat();
        const atime = c.atime ?? old.atime, mtime = c.mtime ?? old.mtime;
        const secs = (ns: bigint) => Number(ns / 1000n) / 1e6;
        const set = this.qid.type === 'symlink' ? fs.lutimesSync : fs.utimesSync;
        set(p, secs(atime), secs(mtime));
        const now = fs.lstatSync(p, BIG);
        this.fs.times.set(`${now.dev}:${now.ino}`, { atime: [atime, now.atimeNs], mtime: [mtime, now.mtimeNs] });
      }
    });
  }

  create(name: string, type: 'file' | 'dir', perm: number, exclusive: boolean): File {
    this.fs.ops++;
    this.fs.writable();
    const p = this.child(name);
    guard(() => {
      if (type === 'dir') fs.mkdirSync(p, perm);
      else fs.closeSync(fs.openSync(p, O_WRONLY | O_CREAT | O_NOFOLLOW | (exclusive ? O_EXCL : 0), perm));
    });
    return this.walk(name);
  }

  remove(name: string, type: 'file' | 'dir'): void {
    this.fs.ops++;
    this.fs.writable();
    const p = this.child(name);
    guard(() => {
      const st = fs.lstatSync(p);
      if (type === 'dir') { if (!st.isDirectory()) throw fail('ENOTDIR'); fs.rmdirSync(p); }
      else { if (st.isDirectory()) throw fail('EISDIR'); fs.unlinkSync(p); }
    });
    this.fs.generation++;
  }

  rename(name: string, to: File, toName: string): void {
    this.fs.ops++;
    this.fs.writable();
    if (!(to instanceof HostFile) || to.fs !== this.fs) throw fail('EXDEV');
    const from = this.child(name), dest = to.child(toName);
    guard(() => {
      const a = fs.lstatSync(from);
      let b: fs.Stats | null = null;
      try { b = fs.lstatSync(dest); } catch { /* no target */ }
      if (b && a.isDirectory() && !b.isDirectory()) throw fail('ENOTDIR');
      if (b && !a.isDirectory() && b.isDirectory()) throw fail('EISDIR');
      fs.renameSync(from, dest);
    });
    this.fs.generation++;
  }

  symlink(name: string, target: string): void {
    this.fs.ops++;
    this.fs.writable();
    const p = this.child(name);
    guard(() => fs.symlinkSync(target, p));
  }

  link(name: string, target: File): void {
    this.fs.ops++;
    this.fs.writable();
    if (!(target instanceof HostFile) || target.fs !== this.fs) throw fail('EXDEV');
    const p = this.child(name);
    const src = target.path();
    guard(() => fs.linkSync(src, p));
  }

  readlink(): string {
    if (this.qid.type !== 'symlink') throw fail('EINVAL');
    return guard(() => fs.readlinkSync(this.path(), 'utf8'));
  }

  dirents(p: string): Dirent[] {
    return guard(() => fs.readdirSync(p)).flatMap(name => {
      try {
        const st = fs.lstatSync(`${p}/${name}`, BIG);
        return [{ name, type: typeOf(st), ino: Number(st.ino) }];
      } catch { return []; } // gone meanwhile
    });
  }
}

class HostHandle extends HandleBase {
  readonly seekable: boolean;
  private fd: number;
  constructor(fd: number, seekable: boolean) { super(); this.fd = fd; this.seekable = seekable; }
  read(dst: Uint8Array, offset: number): number {
    return guard(() => fs.readSync(this.fd, dst, 0, dst.length, this.seekable ? offset : null));
  }
  write(src: Uint8Array, offset: number): number {
    return guard(() => fs.writeSync(this.fd, src, 0, src.length, this.seekable ? offset : null));
  }
  sync(): void { guard(() => fs.fsyncSync(this.fd)); }
  close(): void { if (this.fd >= 0) { fs.closeSync(this.fd); this.fd = -1; } }
}

class HostDirHandle extends HandleBase {
  readonly seekable = true;
  readonly f: HostFile;
  readonly p: string;
  constructor(f: HostFile, p: string) { super(); this.f = f; this.p = p; }
  read(): number { throw fail('EISDIR'); }
  write(): number { throw fail('EISDIR'); }
  readdir(): Dirent[] { return this.f.dirents(this.p); }
}

