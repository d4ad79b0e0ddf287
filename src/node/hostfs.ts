// A confined host directory as a file server ('#U/dir', `--dir HOST::GUEST`).
// Nothing inside can reach outside it, whatever another process does to the
// tree meanwhile (another Goblin confined to the same directory, or any host
// process swapping directories for symlinks in a loop):
// - every operation names its file as (directory, name), and the directory is a
//   descriptor this server holds: the host resolves `/proc/self/fd/D/name`
//   inside exactly that directory, wherever it has been moved, and never through
//   a symlink (a final symlink is never followed: O_NOFOLLOW, lstat, lutimes, and
//   chmod only through a descriptor of the file itself). This is openat(2) with
//   RESOLVE_BENEATH, emulated with what Node has: descriptors and /proc;
// - a directory's descriptor is opened from its parent's, one component at a
//   time, with O_NOFOLLOW|O_DIRECTORY, and checked to be the (dev, ino) the walk
//   saw; a held descriptor is checked again on use (it must still be where the
//   walk found it, or the file is stale: ENOENT);
// - symlinks come back as symlinks: the namespace walker reads their text and
//   resolves it inside the namespace; a guest may make only symlinks whose
//   target stays inside this tree;
// - hard links are made only between Files of this same server.
// Descriptors are kept in one process-wide cache of bounded size, so a walk over
// a large tree holds at most MAX_DIR_FDS of them.
// BUGS: needs /proc/self/fd (Linux); elsewhere paths are walked from the base
// with lstat checks, which a racing host process can defeat.
import * as fs from 'node:fs';
import { fail } from '../error.ts';
import type { Dirent, File, FileServer, FileType, Handle, OpenFlags, Qid, Stat, StatChange } from '../fs/types.ts';
import { newDev } from '../fs/types.ts';
import { FileBase, HandleBase } from '../fs/defaults.ts';
import { staysInside } from '../fs/confine.ts';
import { hostError } from './host-error.ts';

/** lstat/fstat options, made once (they are on the hot path of every walk) */
const BIG = { bigint: true } as const;

const { O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_EXCL, O_TRUNC, O_APPEND, O_NOFOLLOW, O_DIRECTORY, O_NONBLOCK } = fs.constants;
/** Linux's O_PATH: a descriptor naming a file without opening it (Node does not export it) */
const O_PATH = 0o10000000;
/** this process's descriptors by number (by pid: one lookup fewer than /proc/self) */
const FD_DIR = `/proc/${process.pid}/fd/`;
const PROC_FDS = process.platform === 'linux' && fs.existsSync(FD_DIR);

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

/** Whether the directory open at fd is now at or below base (the kernel's own idea of its path). */
function beneath(base: string, fd: number): boolean {
  let at: string;
  try { at = fs.readlinkSync(`${FD_DIR}${fd}`); } catch { return false; }
  return at === base || at.startsWith(base === '/' ? '/' : `${base}/`);
}

const same = (st: fs.BigIntStats, ino: bigint, dev: bigint) => st.ino === ino && st.dev === dev;

/** Directory descriptors held for HostFiles, oldest dropped first. */
const MAX_DIR_FDS = 256;
const dirFds = new Map<HostFile, number>();

function keepFd(f: HostFile, fd: number): void {
  if (dirFds.size >= MAX_DIR_FDS) {
    const [old, ofd] = dirFds.entries().next().value!;
    dirFds.delete(old);
    fs.closeSync(ofd);
  }
  dirFds.set(f, fd);
}

export class HostFs implements FileServer {
  readonly dev = newDev();
  readonly synchronous = true;
  readonly confined = true;
  readonly name: string;
  readonly base: string;
  readonly readonly: boolean;
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
    this.top = new HostFile(this, null, '', st);
  }

  root(): File { return this.top; }

  writable(): void { if (this.readonly) throw fail('EROFS'); }
}

class HostFile extends FileBase {
  readonly fs: HostFs;
  /** the directory the walk found this in (null for the root), and the name there */
  readonly parent: HostFile | null;
  readonly name: string;
  readonly qid: Qid;
  private readonly ino: bigint;
  private readonly hdev: bigint;
  /** the lstat the walk made, used once by the stat that usually follows */
  private fresh: fs.BigIntStats | null;
  private freshAt: number;

  constructor(hfs: HostFs, parent: HostFile | null, name: string, st: fs.BigIntStats) {
    super();
    this.fs = hfs;
    this.parent = parent;
    this.name = name;
    this.ino = st.ino;
    this.hdev = st.dev;
    this.fresh = st;
    this.freshAt = ++hfs.ops;
    this.qid = { dev: hfs.dev, path: Number(st.ino), type: typeOf(st) };
  }

  /** The path below the base, for the fallback without /proc. */
  private rel(): string { return this.parent ? (this.parent.parent ? `${this.parent.rel()}/${this.name}` : this.name) : ''; }

  /**
   * A descriptor of this directory, checked to be the directory the walk saw and
   * to be still where it found it; opened from the parent's, never through a symlink.
   */
  dirFd(): number {
    if (this.qid.type !== 'dir') throw fail('ENOTDIR');
    const held = dirFds.get(this);
    // still inside the base? A directory moved out by someone else is stale here,
    // as it would be to a path; moved about inside, it is the same directory still
    // (the root is the grant itself, wherever it is: its identity was checked at open)
    if (held !== undefined) {
      if (!this.parent || beneath(this.fs.base, held)) return held;
      dirFds.delete(this);
      fs.closeSync(held);
      throw fail('ENOENT', 'stale file');
    }
    const path = this.parent ? `${FD_DIR}${this.parent.dirFd()}/${this.name}` : this.fs.base;
    const fd = guard(() => fs.openSync(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW));
    const st = fs.fstatSync(fd, BIG);
    if (!same(st, this.ino, this.hdev) || (this.parent && !beneath(this.fs.base, fd))) { fs.closeSync(fd); throw fail('ENOENT', 'stale file'); }
    keepFd(this, fd);
    return fd;
  }

  /** The host path of `name` in this directory, resolved inside it only. */
  private at(name: string): string {
    checkName(name);
    if (this.qid.type !== 'dir') throw fail('ENOTDIR');
    if (!PROC_FDS) return `${this.pathByWalk()}/${name}`;
    return `${FD_DIR}${this.dirFd()}/${name}`;
  }

  /** The host path of this file itself (its parent's descriptor and its name). */
  private self(): string {
    if (!this.parent) return PROC_FDS ? `${FD_DIR}${this.dirFd()}` : this.fs.base;
    return this.parent.at(this.name);
  }

  /** Without /proc: the path from the base, each directory checked with lstat. */
  private pathByWalk(): string {
    const rel = this.rel();
    let at = this.fs.base;
    for (const p of rel ? rel.split('/') : []) {
      at = `${at}/${p}`;
      if (!guard(() => fs.lstatSync(at)).isDirectory()) throw fail('ENOENT', 'stale file');
    }
    return at;
  }

  private lstat(): fs.BigIntStats {
    // the root is its own descriptor: fstat it (an lstat would see the /proc link)
    const st = !this.parent && PROC_FDS ? fs.fstatSync(this.dirFd(), BIG) : guard(() => fs.lstatSync(this.self(), BIG));
    if (!same(st, this.ino, this.hdev)) throw fail('ENOENT', 'stale file');
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
    const p = this.at(name);
    return new HostFile(this.fs, this, name, guard(() => fs.lstatSync(p, BIG)));
  }

  /** Opens this file itself (not the root), never through a symlink, checked to be the file the walk saw. */
  private openSelf(flags: number): number {
    const fd = guard(() => fs.openSync(this.self(), flags | O_NOFOLLOW));
    const st = fs.fstatSync(fd, BIG);
    if (!same(st, this.ino, this.hdev)) { fs.closeSync(fd); throw fail('ENOENT', 'stale file'); }
    return fd;
  }

  open(f: OpenFlags): Handle {
    this.fs.ops++;
    if (this.qid.type === 'symlink') throw fail('ELOOP');
    if (f.write || f.truncate) this.fs.writable();
    if (this.qid.type === 'dir') {
      if (f.write) throw fail('EISDIR');
      this.lstat();
      return new HostDirHandle(this);
    }
    const mode = (f.read && f.write ? O_RDWR : f.write ? O_WRONLY : O_RDONLY) | (f.truncate && f.write ? O_TRUNC : 0) | (f.append ? O_APPEND : 0);
    return new HostHandle(this.openSelf(mode), this.qid.type === 'file');
  }

  wstat(c: StatChange): void {
    this.fs.writable();
    this.fs.ops++;
    if (c.mode !== undefined && c.mode & ~0o777) throw fail('EPERM', 'setuid, setgid and sticky bits are not set on host files');
    if (c.size !== undefined) {
      if (this.qid.type === 'dir') throw fail('EISDIR');
      const fd = this.openSelf(O_WRONLY | O_NONBLOCK);
      try { guard(() => fs.ftruncateSync(fd, c.size)); } finally { fs.closeSync(fd); }
    }
    // chmod and utimes follow symlinks: they go through a descriptor of the file itself
    if (c.mode !== undefined) {
      if (this.qid.type === 'symlink') throw fail('ENOTSUP', 'the mode of a symlink cannot change');
      this.onSelf(p => fs.chmodSync(p, c.mode!));
    }
    if (c.atime !== undefined || c.mtime !== undefined) {
      const old = this.stat();
      const atime = c.atime ?? old.atime, mtime = c.mtime ?? old.mtime;
      const secs = (ns: bigint) => Number(ns / 1000n) / 1e6;
      if (this.qid.type === 'symlink') guard(() => fs.lutimesSync(this.self(), secs(atime), secs(mtime)));
      else this.onSelf(p => fs.utimesSync(p, secs(atime), secs(mtime)));
      const now = this.lstat();
      this.fs.times.set(`${now.dev}:${now.ino}`, { atime: [atime, now.atimeNs], mtime: [mtime, now.mtimeNs] });
    }
  }

  /** Runs a call that follows symlinks on this file's own inode: through an O_PATH descriptor's /proc link. */
  private onSelf(f: (path: string) => void): void {
    if (!PROC_FDS) { this.lstat(); guard(() => f(this.pathByWalk())); return; }
    if (!this.parent) { guard(() => f(`${FD_DIR}${this.dirFd()}`)); return; } // the root is a descriptor already
    const fd = this.openSelf(O_PATH);
    try { guard(() => f(`${FD_DIR}${fd}`)); } finally { fs.closeSync(fd); }
  }

  create(name: string, type: 'file' | 'dir', perm: number, exclusive: boolean): File {
    this.fs.ops++;
    this.fs.writable();
    if (perm & ~0o777) throw fail('EPERM', 'setuid, setgid and sticky bits are not set on host files');
    const p = this.at(name);
    guard(() => {
      if (type === 'dir') fs.mkdirSync(p, perm);
      else fs.closeSync(fs.openSync(p, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | (exclusive ? O_EXCL : 0), perm));
    });
    return this.walk(name);
  }

  remove(name: string, type: 'file' | 'dir'): void {
    this.fs.ops++;
    this.fs.writable();
    const p = this.at(name);
    guard(() => {
      const st = fs.lstatSync(p);
      if (type === 'dir') { if (!st.isDirectory()) throw fail('ENOTDIR'); fs.rmdirSync(p); }
      else { if (st.isDirectory()) throw fail('EISDIR'); fs.unlinkSync(p); }
    });
  }

  rename(name: string, to: File, toName: string): void {
    this.fs.ops++;
    this.fs.writable();
    if (!(to instanceof HostFile) || to.fs !== this.fs) throw fail('EXDEV');
    const from = this.at(name), dest = to.at(toName);
    guard(() => {
      const a = fs.lstatSync(from);
      const b = fs.lstatSync(dest, { throwIfNoEntry: false });
      if (b && a.isDirectory() && !b.isDirectory()) throw fail('ENOTDIR');
      if (b && !a.isDirectory() && b.isDirectory()) throw fail('EISDIR');
      fs.renameSync(from, dest);
    });
  }

  symlink(name: string, target: string): void {
    this.fs.ops++;
    this.fs.writable();
    if (!staysInside(this.depth(), target)) throw fail('EPERM', `a symlink to ${target} would lead out of the host directory`);
    const p = this.at(name);
    guard(() => fs.symlinkSync(target, p));
  }

  /** How many directories this one lies below the base. */
  private depth(): number { return this.parent ? this.parent.depth() + 1 : 0; }

  link(name: string, target: File): void {
    this.fs.ops++;
    this.fs.writable();
    if (!(target instanceof HostFile) || target.fs !== this.fs) throw fail('EXDEV');
    if (target.qid.type === 'dir') throw fail('EPERM');
    const p = this.at(name);
    const src = target.self();
    target.lstat();
    guard(() => fs.linkSync(src, p));
  }

  readlink(): string {
    if (this.qid.type !== 'symlink') throw fail('EINVAL');
    const p = this.self();
    this.lstat();
    return guard(() => fs.readlinkSync(p, 'utf8'));
  }

  dirents(): Dirent[] {
    const dir = PROC_FDS ? `${FD_DIR}${this.dirFd()}` : this.pathByWalk();
    return guard(() => fs.readdirSync(dir)).flatMap(name => {
      const st = fs.lstatSync(`${dir}/${name}`, { bigint: true, throwIfNoEntry: false });
      return st ? [{ name, type: typeOf(st), ino: Number(st.ino) }] : []; // gone meanwhile
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
  constructor(f: HostFile) { super(); this.f = f; }
  read(): number { throw fail('EISDIR'); }
  write(): number { throw fail('EISDIR'); }
  readdir(): Dirent[] { return this.f.dirents(); }
  close(): void {}
}
