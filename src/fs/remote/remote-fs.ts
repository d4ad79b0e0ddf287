// A remote tree as a file server: each File and Handle method becomes the 9P
// requests its dialect has for it (Twalk, Tlopen/Topen, Tlcreate/Tcreate, Tmkdir,
// Tread, Twrite, Tgetattr/Tstat, Tsetattr/Twstat, Treaddir or a directory Tread,
// Tunlinkat/Tremove, Trenameat/Trename/Twstat, Tsymlink, Treadlink, Tlink, Tfsync).
//
// Fids. A File keeps the fid its walk made, so walks, stats and opens start from
// it; a Handle owns the fid it opened, clunked by close(). The fids Files keep are
// bounded: past maxFids the least recently used one that no request is using is
// clunked, and that File walks again from its nearest ancestor that still has one
// (by the names it was reached through) the next time it is used, checking that
// the walk ends at the same qid.path. A File or Handle dropped without a clunk
// has its fid clunked when it is collected (FinalizationRegistry). The root's fid
// (the attach's) is kept for the life of the connection.
//
// Temporaries: a create, open, remove or rename that needs a fid of its own gets
// it by walking (Twalk with no names clones a fid) and clunks it at the end.
//
// qid.path is 64 bits; a File's qid.path is a number: paths below 2^53 go through
// unchanged, larger ones are numbered per tree, down from 2^53 - 1.
//
// BUGS
// A File whose fid was clunked for room, and whose name was then renamed or
// removed, is stale (ENOENT) although its file may live on elsewhere.
// 9P2000 and 9P2000.u cannot move a file to another directory (EXDEV), and they
// set times to the second; 9P2000 has no symlinks or links (ENOTSUP).

import { fail } from '../../error.ts';
import type { Dirent, File, FileServer, Handle, OpenFlags, Qid as FsQid, Stat as FsStat, StatChange } from '../types.ts';
import { newDev } from '../types.ts';
import { FileBase, HandleBase } from '../defaults.ts';
import {
  AT_REMOVEDIR, DMLINK, direntFileType, L_O_CREAT, L_O_EXCL, L_O_RDONLY, lopenFlags, openMode, qidFileType, renameStat,
  setattrOf, statOfGetattr, statOfPlan9, wstatOf,
} from './attr.ts';
import type { Client } from './client.ts';
import { DecodeError } from '../../ninep/codec.ts';
import { DMDIR, DMSYMLINK, GETATTR_BASIC, MAXWELEM, OREAD } from '../../ninep/consts.ts';
import { unpackDirents } from '../../ninep/dirent.ts';
import type { Qid } from '../../ninep/qid.ts';
import { nullStat, unpackStats } from '../../ninep/stat.ts';

/** A File's hold on a fid; -1 when it has none now. Never refers back to its File. */
class Slot {
  fid: number;
  /** requests using the fid now: it is not clunked for room while any is */
  refs = 0;
  /** a walk to get the fid back, under way */
  walking: Promise<void> | null = null;
  constructor(fid: number) { this.fid = fid; }
}

/** A Handle's fid, shared with the finalizer. */
interface Cell { fid: number }

const TWO53 = 2n ** 53n;

/** A server's answer to a request it does not implement. */
const unsupported = (e: unknown): boolean => {
  const errno = (e as { errno?: string }).errno;
  return errno === 'ENOTSUP' || errno === 'ENOSYS';
};

const badName = (name: string): boolean => name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0');

function checkName(name: string): void {
  if (badName(name)) throw fail('EINVAL', `bad file name ${JSON.stringify(name)}`);
}

export class RemoteFs implements FileServer {
  readonly dev = newDev();
  readonly name: string;
  readonly client: Client;
  /** group id for files made through 9P2000.L */
  readonly gid: number;
  /** fids Files may keep at once */
  readonly maxFids: number;
  private readonly top: RemoteFile;
  /** requests the server answered "not supported", not asked again */
  readonly lacks = new Set<'Tunlinkat' | 'Trenameat'>();
  /** slots holding fids, least recently used first (the root's is not here) */
  private readonly held = new Map<Slot, true>();
  private readonly bigPaths = new Map<bigint, number>();
  private nextBig = Number.MAX_SAFE_INTEGER;
  private readonly files = new FinalizationRegistry<Slot>(s => this.drop(s));
  readonly handles = new FinalizationRegistry<Cell>(c => { if (c.fid >= 0) this.client.clunk(c.fid); });

  constructor(client: Client, rootFid: number, qid: Qid, opts: { name: string; maxFids: number; gid: number }) {
    this.client = client;
    this.name = opts.name;
    this.maxFids = Math.max(1, opts.maxFids);
    this.gid = opts.gid;
    this.top = new RemoteFile(this, null, '/', qid, new Slot(rootFid));
  }

  get dialect() { return this.client.dialect; }
  get dotL(): boolean { return this.client.dialect === '9P2000.L'; }

  root(): File { return this.top; }

  /** Hangs up the connection (every tree attached through it goes). */
  close(): void { this.client.close(); }

  /** A qid as a File's qid. */
  qid(q: Qid): FsQid { return { dev: this.dev, path: this.ino(q.path), type: qidFileType(q.type) }; }

  ino(path: bigint): number {
    if (path < TWO53) return Number(path);
    let n = this.bigPaths.get(path);
    if (n === undefined) this.bigPaths.set(path, n = this.nextBig--);
    return n;
  }

  /** A File for a fid just walked to (or for none yet: fid -1). */
  file(parent: RemoteFile, name: string, qid: Qid, fid: number): RemoteFile {
    const s = new Slot(fid);
    const f = new RemoteFile(this, parent, name, qid, s);
    this.files.register(f, s);
    if (fid >= 0) this.hold(s);
    return f;
  }

  // ---- the fids Files keep

  /** f's fid, held for a request until release(); walks to get it back if it was clunked. */
  async use(f: RemoteFile): Promise<number> {
    const s = f.slot;
    while (s.fid < 0) await (s.walking ??= this.rewalk(f));
    s.refs++;
    if (f !== this.top && this.held.delete(s)) this.held.set(s, true);
    return s.fid;
  }

  release(s: Slot): void { s.refs--; }

  /** Runs op with f's fid held. */
  async with<T>(f: RemoteFile, op: (fid: number) => Promise<T>): Promise<T> {
    const fid = await this.use(f);
    try { return await op(fid); } finally { this.release(f.slot); }
  }

  private hold(s: Slot): void {
    this.held.set(s, true);
    if (this.held.size <= this.maxFids) return;
    for (const v of this.held.keys()) {
      if (this.held.size <= this.maxFids) break;
      if (v.refs > 0) continue;
      this.held.delete(v);
      const fid = v.fid;
      v.fid = -1;
      this.client.clunk(fid);
    }
  }

  private drop(s: Slot): void {
    if (s.fid < 0) return;
    this.held.delete(s);
    const fid = s.fid;
    s.fid = -1;
    this.client.clunk(fid);
  }

  private async rewalk(f: RemoteFile): Promise<void> {
    const s = f.slot;
    try {
      const names: string[] = [];
      let a = f;
      while (a.slot.fid < 0 && a.parent) { names.unshift(a.name); a = a.parent; }
      const { fid, qids } = await this.with(a, from => this.walk(from, names));
      const last = qids[qids.length - 1];
      if (!last || last.path !== f.qpath) {
        this.client.clunk(fid);
        throw fail('ENOENT', 'stale file: its name now names another');
      }
      s.fid = fid;
      this.hold(s);
    } finally {
      s.walking = null;
    }
  }

  /**
   * Walks from `from` through every name to a new fid (several Twalks past
   * MAXWELEM names); the new fid and the qids, one per name. All or nothing:
   * ENOENT when a name is missing.
   */
  async walk(from: number, names: readonly string[]): Promise<{ fid: number; qids: Qid[] }> {
    const c = this.client;
    const fid = c.newFid();
    let at = from;
    const qids: Qid[] = [];
    for (let i = 0; i === 0 || i < names.length; i += MAXWELEM) {
      const part = names.slice(i, i + MAXWELEM);
      let r;
      try {
        r = await c.rpc({ kind: 'Twalk', fid: at, newfid: fid, wname: part });
      } catch (e) {
        if (at === fid) c.clunk(fid); else c.freeFid(fid);
        throw e;
      }
      if (r.wqid.length < part.length) {
        if (at === fid) c.clunk(fid); else c.freeFid(fid);
        throw fail('ENOENT');
      }
      qids.push(...r.wqid);
      at = fid;
    }
    return { fid, qids };
  }

  /** A fid of f's own for one request (a clone), clunked by the caller. */
  clone(f: RemoteFile): Promise<number> {
    return this.with(f, from => this.walk(from, []).then(w => w.fid));
  }
}

class RemoteFile extends FileBase {
  readonly fs: RemoteFs;
  readonly qid: FsQid;
  /** the server's qid.path, to know the file again after a walk */
  readonly qpath: bigint;
  /** how this file was reached: the walk back to it starts there */
  readonly parent: RemoteFile | null;
  readonly name: string;
  readonly slot: Slot;

  constructor(fs: RemoteFs, parent: RemoteFile | null, name: string, qid: Qid, slot: Slot) {
    super();
    this.fs = fs;
    this.parent = parent;
    this.name = name;
    this.qid = fs.qid(qid);
    this.qpath = qid.path;
    this.slot = slot;
  }

  private get isDir(): boolean { return this.qid.type === 'dir'; }

  private dirOnly(): void {
    if (!this.isDir) throw fail('ENOTDIR');
  }

  stat(): Promise<FsStat> {
    const fs = this.fs, c = fs.client;
    return fs.with(this, async fid => {
      if (fs.dotL) return statOfGetattr(await c.rpc({ kind: 'Tgetattr', fid, request_mask: GETATTR_BASIC }), fs.dev, this.qid.path);
      return statOfPlan9((await c.rpc({ kind: 'Tstat', fid })).stat, fs.dev, this.qid.path);
    });
  }

  wstat(change: StatChange): Promise<void> {
    const fs = this.fs, c = fs.client;
    return fs.with(this, async fid => {
      if (fs.dotL) await c.rpc({ kind: 'Tsetattr', fid, ...setattrOf(change) });
      else await c.rpc({ kind: 'Twstat', fid, stat: wstatOf(change, fs.dialect, this.isDir) });
    });
  }

  open(flags: OpenFlags): Promise<Handle> {
    if (this.isDir && (flags.write || flags.truncate)) throw fail('EISDIR');
    const fs = this.fs, c = fs.client;
    return fs.clone(this).then(async fid => {
      try {
        const r = fs.dotL
          ? await c.rpc({ kind: 'Tlopen', fid, flags: lopenFlags(flags, this.isDir) })
          : await c.rpc({ kind: 'Topen', fid, mode: openMode(flags) });
        const unit = r.iounit > 0 ? Math.min(r.iounit, c.iounit) : c.iounit;
        return new RemoteHandle(fs, this, fid, unit, flags);
      } catch (e) {
        c.clunk(fid);
        throw e;
      }
    });
  }

  walk(name: string): Promise<File> {
    this.dirOnly();
    if (name === '' || name.includes('/') || name.includes('\0')) throw fail('ENOENT', `bad file name ${JSON.stringify(name)}`);
    const fs = this.fs;
    return fs.with(this, from => fs.walk(from, [name])).then(w => fs.file(this, name, w.qids[0]!, w.fid));
  }

  create(name: string, type: 'file' | 'dir', perm: number, exclusive: boolean): Promise<File> {
    checkName(name);
    this.dirOnly();
    const fs = this.fs, c = fs.client;
    if (type === 'dir' && fs.dotL) {
      return fs.with(this, dfid => c.rpc({ kind: 'Tmkdir', dfid, name, mode: perm & 0o7777, gid: fs.gid }))
        .then(r => fs.file(this, name, r.qid, -1));
    }
    return (async () => {
      if (!exclusive && type === 'file' && !fs.dotL) {
        // 9P2000's create makes a new file or fails: a file already there is found by a walk
        try { return await this.walk(name); } catch (e) { if ((e as { errno?: string }).errno !== 'ENOENT') throw e; }
      }
      const fid = await fs.clone(this);
      try {
        const r = fs.dotL
          ? await c.rpc({ kind: 'Tlcreate', fid, name, flags: L_O_RDONLY | L_O_CREAT | (exclusive ? L_O_EXCL : 0), mode: perm & 0o7777, gid: fs.gid })
          : await c.rpc({ kind: 'Tcreate', fid, name, perm: ((perm & 0o777) | (type === 'dir' ? DMDIR : 0)) >>> 0, mode: OREAD });
        return fs.file(this, name, r.qid, -1);
      } finally {
        c.clunk(fid);
      }
    })();
  }

  remove(name: string, type: 'file' | 'dir'): Promise<void> {
    this.dirOnly();
    const fs = this.fs, c = fs.client;
    if (badName(name)) throw fail('ENOENT', `bad file name ${JSON.stringify(name)}`);
    return fs.with(this, async dirfd => {
      if (fs.dotL && !fs.lacks.has('Tunlinkat')) {
        try {
          await c.rpc({ kind: 'Tunlinkat', dirfd, name, flags: type === 'dir' ? AT_REMOVEDIR : 0 });
          return;
        } catch (e) {
          if (!unsupported(e)) throw e;
          fs.lacks.add('Tunlinkat'); // diod 1.0 has no unlinkat: remove a walked fid instead
        }
      }
      const { fid, qids } = await fs.walk(dirfd, [name]);
      const isDir = qidFileType(qids[0]!.type) === 'dir';
      if (isDir !== (type === 'dir')) {
        c.clunk(fid);
        throw fail(isDir ? 'EISDIR' : 'ENOTDIR');
      }
      try { await c.rpc({ kind: 'Tremove', fid }); } finally { c.freeFid(fid); } // remove(5): clunked either way
    });
  }

  rename(name: string, to: File, toName: string): Promise<void> {
    this.dirOnly();
    if (!(to instanceof RemoteFile) || to.fs !== this.fs) throw fail('EXDEV');
    checkName(toName);
    const fs = this.fs, c = fs.client;
    if (fs.dotL) {
      return fs.with(this, olddirfid => fs.with(to, async newdirfid => {
        if (!fs.lacks.has('Trenameat')) {
          try {
            await c.rpc({ kind: 'Trenameat', olddirfid, oldname: name, newdirfid, newname: toName });
            return;
          } catch (e) {
            if (!unsupported(e)) throw e;
            fs.lacks.add('Trenameat');
          }
        }
        // a server without renameat (diod 1.0): move a fid walked to the file
        const { fid } = await fs.walk(olddirfid, [name]);
        try { await c.rpc({ kind: 'Trename', fid, dfid: newdirfid, name: toName }); } finally { c.clunk(fid); }
      }));
    }
    if (to.qpath !== this.qpath) throw fail('EXDEV', `${fs.dialect} renames only within a directory`);
    if (name === toName) return Promise.resolve();
    return fs.with(this, async from => {
      const { fid } = await fs.walk(from, [name]);
      try { await c.rpc({ kind: 'Twstat', fid, stat: renameStat(toName, fs.dialect) }); } finally { c.clunk(fid); }
    });
  }

  symlink(name: string, target: string): Promise<void> {
    checkName(name);
    this.dirOnly();
    const fs = this.fs, c = fs.client;
    if (fs.dotL) {
      return fs.with(this, async fid => { await c.rpc({ kind: 'Tsymlink', fid, name, symtgt: target, gid: fs.gid }); });
    }
    if (fs.dialect === '9P2000') throw fail('ENOTSUP', 'symlinks need 9P2000.u or 9P2000.L');
    return this.createSpecial(name, DMSYMLINK | 0o777, target);
  }

  link(name: string, target: File): Promise<void> {
    checkName(name);
    this.dirOnly();
    if (!(target instanceof RemoteFile) || target.fs !== this.fs) throw fail('EXDEV');
    if (target.isDir) throw fail('EPERM', 'hard link to a directory');
    const fs = this.fs, c = fs.client;
    if (fs.dialect === '9P2000') throw fail('ENOTSUP', 'links need 9P2000.u or 9P2000.L');
    return fs.with(target, tfid => {
      if (fs.dotL) return fs.with(this, async dfid => { await c.rpc({ kind: 'Tlink', dfid, fid: tfid, name }); });
      return this.createSpecial(name, DMLINK, String(tfid));
    });
  }

  /** 9P2000.u's Tcreate of a symlink or link: the target goes in extension. */
  private async createSpecial(name: string, perm: number, extension: string): Promise<void> {
    const fs = this.fs, c = fs.client;
    const fid = await fs.clone(this);
    try { await c.rpc({ kind: 'Tcreate', fid, name, perm: perm >>> 0, mode: OREAD, extension }); } finally { c.clunk(fid); }
  }

  readlink(): Promise<string> {
    if (this.qid.type !== 'symlink') throw fail('EINVAL');
    const fs = this.fs, c = fs.client;
    if (fs.dialect === '9P2000') throw fail('EINVAL');
    return fs.with(this, async fid => {
      if (fs.dotL) return (await c.rpc({ kind: 'Treadlink', fid })).target;
      return (await c.rpc({ kind: 'Tstat', fid })).stat.extension ?? '';
    });
  }
}

/** An open fid. Reads and writes larger than iounit go out as several requests at once. */
class RemoteHandle extends HandleBase {
  readonly seekable = true;
  private readonly fs: RemoteFs;
  private readonly cell: Cell;
  private readonly unit: number;
  private readonly dir: boolean;
  private readonly append: boolean;

  constructor(fs: RemoteFs, file: RemoteFile, fid: number, unit: number, flags: OpenFlags) {
    super();
    this.fs = fs;
    this.cell = { fid };
    this.unit = unit;
    this.dir = file.qid.type === 'dir';
    this.append = !!flags.append;
    fs.handles.register(this, this.cell, this);
  }

  private get fid(): number {
    if (this.cell.fid < 0) throw fail('EBADF');
    return this.cell.fid;
  }

  read(dst: Uint8Array, offset: number): Promise<number> | number {
    if (this.dir) throw fail('EISDIR');
    const fid = this.fid, n = dst.length, unit = this.unit;
    if (n === 0) return 0;
    if (n <= unit) return this.readPiece(fid, dst, offset);
    const parts: Promise<number>[] = [];
    for (let at = 0; at < n; at += unit) parts.push(this.readPiece(fid, dst.subarray(at, Math.min(n, at + unit)), offset + at));
    return settle(parts, i => Math.min(unit, n - i * unit));
  }

  private async readPiece(fid: number, dst: Uint8Array, offset: number): Promise<number> {
    const r = await this.fs.client.rpc({ kind: 'Tread', fid, offset: BigInt(offset), count: dst.length });
    const got = Math.min(r.data.length, dst.length);
    dst.set(got === r.data.length ? r.data : r.data.subarray(0, got));
    return got;
  }

  write(src: Uint8Array, offset: number): Promise<number> | number {
    if (this.dir) throw fail('EISDIR');
    const fid = this.fid, n = src.length, unit = this.unit, c = this.fs.client;
    if (n === 0) return 0;
    const piece = (at: number, off: number): Promise<number> =>
      c.rpc({ kind: 'Twrite', fid, offset: BigInt(off), data: src.subarray(at, Math.min(n, at + unit)) }).then(r => Math.min(r.count, n - at));
    if (this.append) return this.appendAll(fid, piece, n);
    if (n <= unit) return piece(0, offset);
    const parts: Promise<number>[] = [];
    for (let at = 0; at < n; at += unit) parts.push(piece(at, offset + at));
    return settle(parts, i => Math.min(unit, n - i * unit));
  }

  /** Appending pieces one after another keeps them in order; 9P2000 and .u find the end first. */
  private async appendAll(fid: number, piece: (at: number, off: number) => Promise<number>, n: number): Promise<number> {
    let total = 0;
    while (total < n) {
      let off = 0;
      if (!this.fs.dotL) {
        const st = await this.fs.client.rpc({ kind: 'Tstat', fid });
        off = Number(st.stat.length);
      }
      let put: number;
      try { put = await piece(total, off); } catch (e) { if (total) return total; throw e; }
      total += put;
      if (put < Math.min(this.unit, n - (total - put))) break;
    }
    return total;
  }

  async readdir(): Promise<Dirent[]> {
    if (!this.dir) throw fail('ENOTDIR');
    const fid = this.fid, fs = this.fs, c = fs.client, out: Dirent[] = [];
    if (fs.dotL) {
      let offset = 0n;
      for (;;) {
        const r = await c.rpc({ kind: 'Treaddir', fid, offset, count: this.unit });
        if (!r.data.length) return out;
        const ents = unpackDirents(r.data);
        if (ents instanceof DecodeError) throw fail('EIO', ents.message);
        for (const e of ents) {
          if (e.name !== '.' && e.name !== '..') out.push({ name: e.name, type: direntFileType(e.type, e.qid.type), ino: fs.ino(e.qid.path) });
        }
        offset = ents[ents.length - 1]!.offset;
      }
    }
    // 9P2000 and .u: a directory reads as whole stats, from where the last read ended
    let offset = 0n;
    for (;;) {
      const r = await c.rpc({ kind: 'Tread', fid, offset, count: this.unit });
      if (!r.data.length) return out;
      const stats = unpackStats(r.data, fs.dialect);
      if (stats instanceof DecodeError) throw fail('EIO', stats.message);
      for (const s of stats) {
        if (s.name !== '.' && s.name !== '..') out.push({ name: s.name, type: statOfPlan9(s, fs.dev, 0).type, ino: fs.ino(s.qid.path) });
      }
      offset += BigInt(r.data.length);
    }
  }

  async sync(): Promise<void> {
    const fid = this.fid, c = this.fs.client;
    if (this.fs.dotL) await c.rpc({ kind: 'Tfsync', fid, datasync: 0 });
    else await c.rpc({ kind: 'Twstat', fid, stat: nullStat(this.fs.dialect) }); // wstat(5): all "don't touch" means sync
  }

  close(): void {
    const fid = this.cell.fid;
    if (fid < 0) return;
    this.cell.fid = -1;
    this.fs.handles.unregister(this);
    this.fs.client.clunk(fid);
  }
}

/**
 * The count of pieces moved in order, up to the first short one; an error in a
 * piece ends the count there, and is thrown only if nothing came before it.
 */
async function settle(parts: Promise<number>[], want: (i: number) => number): Promise<number> {
  const rs = await Promise.allSettled(parts);
  let total = 0;
  for (let i = 0; i < rs.length; i++) {
    const r = rs[i]!;
    if (r.status === 'rejected') {
      if (total) return total;
      throw r.reason;
    }
    total += r.value;
    if (r.value < want(i)) break;
  }
  return total;
}
