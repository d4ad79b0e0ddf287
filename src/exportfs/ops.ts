// One handler per T-message, shared by the three dialects where the message is.
// A handler checks its fids and arguments, calls the file server, and returns the
// reply (or throws); what it changes in the fid table goes into req.commit (see
// session.ts). Handlers that may wait are generators run by drive(), which
// stays synchronous for file servers that answer at once.

import { fail } from '../error.ts';
import { drive, type Steps } from '../fs/maybe.ts';
import type { File, Handle, OpenFlags, StatChange, Stat as FsStat } from '../fs/types.ts';
import { then } from '../fs/types.ts';
import {
  DMDEVICE, DMDIR, DMNAMEDPIPE, DMSOCKET, DMSYMLINK, LOCK_SUCCESS, LOCK_TYPE_UNLCK, NONUNAME, ORCLOSE,
  SETATTR_ATIME, SETATTR_ATIME_SET, SETATTR_GID, SETATTR_MODE, SETATTR_MTIME, SETATTR_MTIME_SET, SETATTR_SIZE, SETATTR_UID,
} from '../ninep/consts.ts';
import { packDirents } from '../ninep/dirent.ts';
import { defByName, type Dirent, type Msg, type MsgKind, type MsgOf, type Stat } from '../ninep/messages.ts';
import { packStats } from '../ninep/stat.ts';
import { holder, list, type Listed } from '../ns/union.ts';
import {
  AT_REMOVEDIR, direntType, getattr, L_O_DIRECTORY, L_O_EXCL, lopenFlags, mutates, openMode, type Owner, ownerId, ownerNames,
  stat9p, unixPerm,
} from './attr.ts';
import { checkAfid, tauth } from './auth.ts';
import {
  childNode, createDir, Fid, newName, type Opened, opened, type PathNode, removeNode, rootNode, step,
} from './fid.ts';
import type { Req, Session } from './session.ts';
import type { Export } from './server.ts';
import { cleanPath, readonlyView } from './users.ts';

/** A reply message, or the bytes of one already built (Rread). */
export type Reply = Msg | Uint8Array;

type Handler<K extends MsgKind> = (s: Session, req: Req, m: MsgOf<K>) => Reply | Promise<Reply>;
type Handlers = { [K in MsgKind]?: Handler<K> };

const DMLINK = 0x01000000; // 9P2000.u: Tcreate makes a hard link to the fid named in extension
const RREAD = defByName('Rread')!.type;
const RREAD_HEADER = 11; // size[4] type[1] tag[2] count[4]

function offsetOf(off: bigint): number {
  if (off > BigInt(Number.MAX_SAFE_INTEGER)) throw fail('EINVAL', `offset ${off} is too large`);
  return Number(off);
}

/** Rread built in place, so the file server reads straight into the reply. */
function rread(buf: Uint8Array, tag: number, count: number): Uint8Array {
  const size = RREAD_HEADER + count;
  const v = new DataView(buf.buffer, buf.byteOffset, RREAD_HEADER);
  v.setUint32(0, size, true);
  v.setUint8(4, RREAD);
  v.setUint16(5, tag, true);
  v.setUint32(7, count, true);
  return buf.subarray(0, size);
}

function notOpen(f: Fid): void {
  if (f.open || f.busy) throw fail('EBUSY', `9P: fid ${f.id} is already open`);
}

function openFor(f: Fid): Opened {
  if (!f.open) throw fail('EBADF', `9P: fid ${f.id} is not open`);
  return f.open;
}

/** On success f becomes open as o (naming node, after a create); otherwise o's handle is closed. */
function commitOpen(req: Req, f: Fid, o: Opened, node?: PathNode): void {
  req.commit = () => {
    f.busy = false;
    if (node) f.node = node;
    f.open = o;
  };
  req.undo = () => {
    f.busy = false;
    o.handle?.close();
  };
}

/** Marks f busy until the request ends, so that two opens of one fid cannot race. */
function beginOpen(req: Req, f: Fid): void {
  notOpen(f);
  f.busy = true;
  req.undo = () => { f.busy = false; };
}

function openFile(file: File, flags: OpenFlags): Handle | Promise<Handle> {
  if (file.qid.type === 'dir') throw fail('EISDIR');
  return file.open(flags);
}

// ---- directory listings (merged from a union's members by ns/union.ts)

/** 9P2000.L entries: `.`, `..`, then the listing; each entry's cookie is its index + 1. */
function* direntsOf(s: Session, f: Fid): Steps<Dirent[]> {
  const node = f.node;
  const listed: Listed[] = yield list(node.chan);
  const self = s.qid(node.chan.file), up = s.qid((node.parent ?? node).chan.file);
  const out: Dirent[] = [
    { qid: self, offset: 1n, type: 4, name: '.' },
    { qid: up, offset: 2n, type: 4, name: '..' },
  ];
  for (const { dir, ent } of listed) {
    const qid = s.server.qids.qid({ dev: dir.qid.dev, path: ent.ino, type: ent.type });
    out.push({ qid, offset: BigInt(out.length + 1), type: direntType(ent.type), name: ent.name });
  }
  return out;
}

/** 9P2000 and .u: a stat per entry, read by walking to each (entries gone meanwhile are left out). */
function* statsOf(s: Session, f: Fid): Steps<Stat[]> {
  const listed: Listed[] = yield list(f.node.chan);
  const out: Stat[] = [];
  for (const { ent } of listed) {
    try {
      const child: PathNode = yield step(f.exp, f.node, ent.name);
      out.push(yield* statOf(s, child, f.owner));
    } catch { /* vanished */ }
  }
  return out;
}

function* statOf(s: Session, node: PathNode, owner: Owner): Steps<Stat> {
  const file = node.chan.file;
  const st: FsStat = yield file.stat();
  const d = s.dialect!;
  const ext: string = st.type === 'symlink' && d !== '9P2000' ? yield file.readlink() : '';
  return stat9p(s.qid(file), st, node.parent ? node.name : '/', owner, d, ext);
}

const timeOf = (sec: bigint, nsec: bigint): bigint => sec * 1_000_000_000n + nsec;

// ---- the handlers

export const ops: Handlers = {
  Tauth(s, req, m) {
    return tauth(s, req, m, s.server.auth);
  },

  Tattach(s, req, m) {
    // who (auth.ts), then to what (users.ts), then where
    checkAfid(s, req, m, s.server.auth);
    const rule = s.server.users?.access(m.uname, m.aname);
    const found = lookupExport(s, m.aname);
    const exp = rule?.readonly ? readonlyView(found.exp) : found.exp;
    s.reserve(req, m.fid);
    const n = m.n_uname;
    const owner: Owner = { uname: m.uname, uid: n === undefined || n === NONUNAME ? 0 : n };
    return drive(function* () {
      let node = rootNode(exp);
      for (const name of found.path) node = yield step(exp, node, name);
      // where the attach lands is the root of what the fid reaches: `..` stops there
      if (node.parent) node = { chan: node.chan, parent: null, name: '/' };
      const fid = new Fid(m.fid, exp, node, owner);
      req.commit = () => s.install(fid);
      return { kind: 'Rattach', tag: m.tag, qid: s.qid(node.chan.file) } as Msg;
    }());
  },

  Twalk(s, req, m) {
    const f = s.fid(req, m.fid);
    if (m.newfid !== m.fid) s.reserve(req, m.newfid);
    else if (f.open && m.wname.length) throw fail('EBUSY', `9P: cannot walk open fid ${f.id} in place`);
    const names = m.wname;
    return drive(function* () {
      let node = f.node;
      const wqid = [];
      for (let i = 0; i < names.length; i++) {
        try {
          node = yield step(f.exp, node, names[i]!);
        } catch (e) {
          if (i === 0) throw e;
          break;
        }
        wqid.push(s.qid(node.chan.file));
      }
      if (wqid.length === names.length) {
        const to = node;
        req.commit = m.newfid === m.fid ? () => { f.node = to; } : () => s.install(new Fid(m.newfid, f.exp, to, f.owner));
      }
      return { kind: 'Rwalk', tag: m.tag, wqid } as Msg;
    }());
  },

  Topen(s, req, m) {
    const f = s.fid(req, m.fid);
    const flags = openMode(m.mode);
    const orclose = (m.mode & ORCLOSE) !== 0;
    if (mutates(flags) || orclose) s.writable(f.exp);
    beginOpen(req, f);
    const file = f.file;
    if (file.qid.type === 'dir') {
      if (flags.write || flags.truncate) throw fail('EISDIR');
      commitOpen(req, f, opened(null, true, false, true, orclose));
      return { kind: 'Ropen', tag: m.tag, qid: s.qid(file), iounit: s.iounit };
    }
    return then(openFile(file, flags), h => {
      commitOpen(req, f, opened(h, flags.read, flags.write, false, orclose));
      return { kind: 'Ropen', tag: m.tag, qid: s.qid(file), iounit: s.iounit } as Msg;
    });
  },

  Tlopen(s, req, m) {
    const f = s.fid(req, m.fid);
    const flags = lopenFlags(m.flags);
    if (mutates(flags)) s.writable(f.exp);
    beginOpen(req, f);
    const file = f.file;
    if (file.qid.type === 'dir') {
      if (flags.write) throw fail('EISDIR');
      commitOpen(req, f, opened(null, true, false, true, false));
      return { kind: 'Rlopen', tag: m.tag, qid: s.qid(file), iounit: s.iounit };
    }
    if (m.flags & L_O_DIRECTORY) throw fail('ENOTDIR');
    return then(openFile(file, flags), h => {
      commitOpen(req, f, opened(h, flags.read, flags.write, false, false));
      return { kind: 'Rlopen', tag: m.tag, qid: s.qid(file), iounit: s.iounit } as Msg;
    });
  },

  Tcreate(s, req, m) {
    const f = s.fid(req, m.fid);
    notOpen(f);
    s.writable(f.exp);
    const name = newName(m.name);
    const dir = createDir(f.exp, f.node.chan);
    beginOpen(req, f);
    const flags = openMode(m.mode);
    const orclose = (m.mode & ORCLOSE) !== 0;
    const perm = m.perm;
    // 9P2000 has no symlinks, links or special files: a perm asking for one is refused, not made a plain file
    if (s.dialect === '9P2000' && perm & (DMSYMLINK | DMLINK | DMDEVICE | DMNAMEDPIPE | DMSOCKET))
      throw fail('ENOTSUP', '9P2000 cannot make symlinks, links, devices, pipes or sockets (use 9P2000.u or .L)');
    return drive(function* () {
      let file: File;
      let o: Opened;
      if (perm & DMDIR) {
        if (flags.write || flags.truncate) throw fail('EISDIR');
        file = yield dir.create(name, 'dir', unixPerm(perm), true);
        o = opened(null, true, false, true, orclose);
      } else if (perm & (DMSYMLINK | DMLINK) && s.dialect !== '9P2000') {
        if (perm & DMSYMLINK) {
          yield dir.symlink(name, m.extension ?? '');
        } else {
          const target = s.fid(req, Number.parseInt(m.extension ?? '', 10));
          yield dir.link(name, target.file);
        }
        file = yield dir.walk(name);
        o = opened(null, false, false, false, false);
      } else if (perm & (DMDEVICE | DMNAMEDPIPE | DMSOCKET)) {
        throw fail('ENOTSUP', 'cannot make devices, pipes or sockets');
      } else {
        file = yield dir.create(name, 'file', unixPerm(perm), true);
        o = opened(yield file.open(flags), flags.read, flags.write, false, orclose);
      }
      commitOpen(req, f, o, childNode(f.exp, f.node, name, file));
      return { kind: 'Rcreate', tag: m.tag, qid: s.qid(file), iounit: s.iounit } as Msg;
    }());
  },

  Tlcreate(s, req, m) {
    const f = s.fid(req, m.fid);
    notOpen(f);
    s.writable(f.exp);
    const name = newName(m.name);
    const dir = createDir(f.exp, f.node.chan);
    const flags = lopenFlags(m.flags);
    beginOpen(req, f);
    return drive(function* () {
      const file: File = yield dir.create(name, 'file', m.mode & 0o7777, (m.flags & L_O_EXCL) !== 0);
      const o = opened(yield openFile(file, flags), flags.read, flags.write, false, false);
      commitOpen(req, f, o, childNode(f.exp, f.node, name, file));
      return { kind: 'Rlcreate', tag: m.tag, qid: s.qid(file), iounit: s.iounit } as Msg;
    }());
  },

  Tmkdir(s, req, m) {
    const f = s.fid(req, m.dfid);
    s.writable(f.exp);
    const name = newName(m.name);
    const dir = createDir(f.exp, f.node.chan);
    return then(dir.create(name, 'dir', m.mode & 0o7777, true), d => ({ kind: 'Rmkdir', tag: m.tag, qid: s.qid(d) }) as Msg);
  },

  Tsymlink(s, req, m) {
    const f = s.fid(req, m.fid);
    s.writable(f.exp);
    const name = newName(m.name);
    const dir = createDir(f.exp, f.node.chan);
    return drive(function* () {
      yield dir.symlink(name, m.symtgt);
      const l: File = yield dir.walk(name);
      return { kind: 'Rsymlink', tag: m.tag, qid: s.qid(l) } as Msg;
    }());
  },

  Tlink(s, req, m) {
    const d = s.fid(req, m.dfid), target = s.fid(req, m.fid);
    s.writable(d.exp);
    const name = newName(m.name);
    const dir = createDir(d.exp, d.node.chan);
    if (target.file.qid.type === 'dir') throw fail('EPERM', 'hard link to a directory');
    return then(dir.link(name, target.file), () => ({ kind: 'Rlink', tag: m.tag }) as Msg);
  },

  Tmknod(s, req, m) {
    s.writable(s.fid(req, m.dfid).exp);
    throw fail('ENOTSUP', 'cannot make devices, pipes or sockets');
  },

  Trename(s, req, m) {
    const f = s.fid(req, m.fid), d = s.fid(req, m.dfid);
    s.writable(f.exp);
    if (d.exp !== f.exp) throw fail('EXDEV');
    const from = f.node;
    if (!from.parent) throw fail('EBUSY', 'cannot rename the root of an export');
    const name = newName(m.name);
    return drive(function* () {
      yield* rename(f.exp, from.parent!, from.name, d.node, name);
      const moved: PathNode = { chan: from.chan, parent: d.node, name };
      req.commit = () => { if (f.node === from) f.node = moved; };
      return { kind: 'Rrename', tag: m.tag } as Msg;
    }());
  },

  Trenameat(s, req, m) {
    const od = s.fid(req, m.olddirfid), nd = s.fid(req, m.newdirfid);
    s.writable(od.exp);
    if (od.exp !== nd.exp) throw fail('EXDEV');
    const oldName = newName(m.oldname), name = newName(m.newname);
    return then(drive(rename(od.exp, od.node, oldName, nd.node, name)), () => ({ kind: 'Rrenameat', tag: m.tag }) as Msg);
  },

  Tunlinkat(s, req, m) {
    const d = s.fid(req, m.dirfd);
    s.writable(d.exp);
    const name = newName(m.name);
    return drive(function* () {
      const dir: File = yield holder(d.node.chan, name);
      yield dir.remove(name, m.flags & AT_REMOVEDIR ? 'dir' : 'file');
      return { kind: 'Runlinkat', tag: m.tag } as Msg;
    }());
  },

  Tremove(s, req, m) {
    const f = s.fid(req, m.fid);
    s.clunk(f); // remove(5): clunked even when the remove fails
    s.writable(f.exp);
    return then(drive(removeNode(f.node)), () => ({ kind: 'Rremove', tag: m.tag }) as Msg);
  },

  Tclunk(s, req, m) {
    s.clunk(s.fid(req, m.fid));
    return { kind: 'Rclunk', tag: m.tag };
  },

  Tread(s, req, m) {
    const f = s.fid(req, m.fid);
    const o = openFor(f);
    if (o.dir) {
      if (s.dialect === '9P2000.L') throw fail('EISDIR');
      return readDir(s, f, o, m);
    }
    if (!o.read || !o.handle) throw fail('EBADF', `9P: fid ${f.id} is not open for reading`);
    const off = offsetOf(m.offset);
    const n = Math.min(m.count, s.iounit);
    const buf = s.replyBuffer(req, RREAD_HEADER + n);
    return then(o.handle.read(buf.subarray(RREAD_HEADER, RREAD_HEADER + n), off), got => rread(buf, m.tag, Math.max(0, Math.min(got, n))));
  },

  Twrite(s, req, m) {
    const f = s.fid(req, m.fid);
    const o = openFor(f);
    if (!o.write || !o.handle) throw fail('EBADF', `9P: fid ${f.id} is not open for writing`);
    s.writable(f.exp);
    return then(o.handle.write(m.data, offsetOf(m.offset)), count => ({ kind: 'Rwrite', tag: m.tag, count }) as Msg);
  },

  Treaddir(s, req, m) {
    const f = s.fid(req, m.fid);
    const o = openFor(f);
    if (!o.dir) throw fail('ENOTDIR');
    const off = offsetOf(m.offset);
    const count = Math.min(m.count, s.iounit);
    const page = (all: Dirent[]): Msg => {
      const p = packDirents(off ? all.slice(off) : all, count);
      if (p.n === 0 && off < all.length) throw fail('EINVAL', `9P: readdir count ${count} is too small for an entry`);
      return { kind: 'Rreaddir', tag: m.tag, data: p.data };
    };
    if (off !== 0 && o.dirents) return page(o.dirents);
    return then(drive(direntsOf(s, f)), all => { o.dirents = all; return page(all); });
  },

  Tstat(s, req, m) {
    const f = s.fid(req, m.fid);
    return then(drive(statOf(s, f.node, f.owner)), stat => ({ kind: 'Rstat', tag: m.tag, stat }) as Msg);
  },

  Twstat(s, req, m) {
    const f = s.fid(req, m.fid);
    const st = m.stat;
    const file = f.file;
    const change: StatChange = {};
    if (st.length !== 0xffffffffffffffffn) change.size = offsetOf(st.length);
    if (st.mode !== 0xffffffff) {
      if (((st.mode & DMDIR) !== 0) !== (file.qid.type === 'dir')) throw fail('EINVAL', 'wstat cannot change a file into a directory or back');
      change.mode = unixPerm(st.mode);
    }
    if (st.mtime !== 0xffffffff) change.mtime = BigInt(st.mtime) * 1_000_000_000n;
    if (st.atime !== 0xffffffff) change.atime = BigInt(st.atime) * 1_000_000_000n;
    const node = f.node;
    const newname = st.name !== '' && st.name !== node.name ? newName(st.name) : null;
    const changes = Object.keys(change).length > 0;
    const chown = st.uid !== '' || st.gid !== '' || st.muid !== '' || [st.n_uid, st.n_gid, st.n_muid].some(n => n !== undefined && n !== NONUNAME);
    if (!changes && !newname && !chown) {
      // wstat(5): a stat of nothing but "don't touch" asks for the file to be committed to stable storage
      return then(f.open?.handle?.sync(), () => ({ kind: 'Rwstat', tag: m.tag }) as Msg);
    }
    s.writable(f.exp);
    if (newname && !node.parent) throw fail('EBUSY', 'cannot rename the root of an export');
    return drive(function* () {
      if (chown) yield* sameOwner(file, f.owner, st);
      if (changes) yield file.wstat(change);
      if (newname) {
        const parent = node.parent!;
        yield* rename(f.exp, parent, node.name, parent, newname);
        const moved: PathNode = { chan: node.chan, parent, name: newname };
        req.commit = () => { if (f.node === node) f.node = moved; };
      }
      return { kind: 'Rwstat', tag: m.tag } as Msg;
    }());
  },

  Tgetattr(s, req, m) {
    const f = s.fid(req, m.fid);
    const file = f.file;
    return then(file.stat(), st => getattr(m.tag, s.qid(file), st, f.owner));
  },

  Tsetattr(s, req, m) {
    const f = s.fid(req, m.fid);
    const v = m.valid;
    if (v === 0) return { kind: 'Rsetattr', tag: m.tag };
    s.writable(f.exp);
    const change: StatChange = {};
    if (v & SETATTR_MODE) change.mode = m.mode & 0o7777;
    if (v & SETATTR_SIZE) change.size = offsetOf(m.size);
    if (v & SETATTR_ATIME) change.atime = v & SETATTR_ATIME_SET ? timeOf(m.atime_sec, m.atime_nsec) : s.server.clock();
    if (v & SETATTR_MTIME) change.mtime = v & SETATTR_MTIME_SET ? timeOf(m.mtime_sec, m.mtime_nsec) : s.server.clock();
    // Owners are not kept (files are reported as the attaching user's): a chown
    // to anyone else is refused, not answered with a success that changed nothing.
    const id = ownerId(f.owner);
    if ((v & SETATTR_UID && m.uid !== id) || (v & SETATTR_GID && m.gid !== id))
      throw fail('EPERM', 'chown is not supported: files keep the owner the server gives them');
    if (!Object.keys(change).length) return { kind: 'Rsetattr', tag: m.tag };
    return then(f.file.wstat(change), () => ({ kind: 'Rsetattr', tag: m.tag }) as Msg);
  },

  Tstatfs(s, req, m) {
    s.fid(req, m.fid);
    // Nothing here knows the space left; report a large, plausible file system.
    const big = 1n << 32n;
    return {
      kind: 'Rstatfs', tag: m.tag, type: 0x01021997, bsize: 4096, blocks: big, bfree: big, bavail: big,
      files: big, ffree: big, fsid: 0n, namelen: 255,
    };
  },

  Treadlink(s, req, m) {
    const f = s.fid(req, m.fid);
    const file = f.file;
    if (file.qid.type !== 'symlink') throw fail('EINVAL');
    return then(file.readlink(), target => ({ kind: 'Rreadlink', tag: m.tag, target }) as Msg);
  },

  Tfsync(s, req, m) {
    const f = s.fid(req, m.fid);
    return then(f.open?.handle?.sync(), () => ({ kind: 'Rfsync', tag: m.tag }) as Msg);
  },

  // Locks are advisory and kept by the client's kernel; every request is granted.
  Tlock(s, req, m) {
    s.fid(req, m.fid);
    return { kind: 'Rlock', tag: m.tag, status: LOCK_SUCCESS };
  },

  Tgetlock(s, req, m) {
    s.fid(req, m.fid);
    return {
      kind: 'Rgetlock', tag: m.tag, type: LOCK_TYPE_UNLCK, start: m.start, length: m.length, proc_id: m.proc_id, client_id: m.client_id,
    };
  },

  Txattrwalk(s, req, m) {
    s.fid(req, m.fid);
    throw fail('ENOTSUP', 'no extended attributes');
  },

  Txattrcreate(s, req, m) {
    s.fid(req, m.fid);
    throw fail('ENOTSUP', 'no extended attributes');
  },
};

function readDir(s: Session, f: Fid, o: Opened, m: MsgOf<'Tread'>): Reply | Promise<Reply> {
  const count = Math.min(m.count, s.iounit);
  const page = (): Msg => {
    const all = o.stats!;
    const p = packStats(o.statIndex ? all.slice(o.statIndex) : all, count, s.dialect!);
    if (p.n === 0 && o.statIndex < all.length) throw fail('EINVAL', `9P: read count ${count} is too small for a directory entry`);
    o.statIndex += p.n;
    o.statOffset += BigInt(p.data.length);
    return { kind: 'Rread', tag: m.tag, data: p.data };
  };
  if (m.offset !== 0n) {
    // read(5): a directory is read from where the last read ended, or from 0
    if (!o.stats || m.offset !== o.statOffset) throw fail('EINVAL', `9P: bad offset ${m.offset} in directory read`);
    return page();
  }
  return then(drive(statsOf(s, f)), stats => {
    o.stats = stats;
    o.statIndex = 0;
    o.statOffset = 0n;
    return page();
  });
}

/**
 * wstat(5) asks to change owner, group or muid: refused (EPERM) unless the
 * values are the ones the file is reported with already, which changes nothing.
 */
function* sameOwner(file: File, owner: Owner, st: Stat): Steps<void> {
  const now = ownerNames(yield file.stat(), owner);
  const id = owner.uid;
  const same = (st.uid === '' || st.uid === now.uid) && (st.gid === '' || st.gid === now.gid) && (st.muid === '' || st.muid === now.uid)
    && [st.n_uid, st.n_gid, st.n_muid].every(n => n === undefined || n === NONUNAME || n === id);
  if (!same) throw fail('EPERM', 'chown is not supported: files keep the owner the server gives them');
}

/** Moves `name` in dir `from` to `toName` in `to`, within one export. */
function* rename(exp: Export, from: PathNode, name: string, to: PathNode, toName: string): Steps<void> {
  const src: File = yield holder(from.chan, name);
  // Within a union, a rename stays in the member that holds the file when it can.
  const dst = to.chan.union?.some(m => m.file === src) ? src : createDir(exp, to.chan);
  yield src.rename(name, dst, toName);
}

/** The export an aname names: an export's name, or a path below the default export's root. */
function lookupExport(s: Session, aname: string): { exp: Export; path: string[] } {
  const exp = s.server.exports.get(aname);
  if (exp) return { exp, path: [] };
  const top = s.server.exports.get('');
  if (top && aname.startsWith('/')) return { exp: top, path: cleanPath(aname).split('/').filter(n => n !== '') };
  throw fail('ENOENT', `no export named ${JSON.stringify(aname)}`);
}
