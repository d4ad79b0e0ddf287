// path_open and the other path_* calls: a path is walked in the namespace from
// a directory descriptor, which is the floor its `..` cannot climb above (see
// ns/walk.ts); calls that make or drop a name walk to its parent directory.
import { fail } from '../error.ts';
import type { Steps } from '../fs/maybe.ts';
import { then, type File, type Handle } from '../fs/types.ts';
import type { Chan } from '../ns/namespace.ts';
import { holder } from '../ns/union.ts';
import { splitLast, walk, walkSteps, type Walked } from '../ns/walk.ts';
import type { Context } from './context.ts';
import { FDFLAG, FDFLAGS_ALL, Fd, R } from './fd.ts';
import { timesChange, writeStat } from './filestat.ts';

const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { fatal: true });

const OFLAGS = { CREAT: 1, DIRECTORY: 2, EXCL: 4, TRUNC: 8 };
const OFLAGS_ALL = OFLAGS.CREAT | OFLAGS.DIRECTORY | OFLAGS.EXCL | OFLAGS.TRUNC;
const LOOKUP_FOLLOW = 1;

/** A path argument: UTF-8 in guest memory (else EILSEQ). */
function pathArg(c: Context, ptr: number, len: number): string {
  const b = c.g.bytes(ptr, len);
  // most paths are short and ASCII: skip the decoder for them
  if (len <= 64) {
    let ascii = true;
    for (let i = 0; i < len; i++) if (b[i]! > 0x7f) { ascii = false; break; }
    if (ascii) return String.fromCharCode.apply(null, b as unknown as number[]);
  }
  try { return dec.decode(b); } catch (e) { if (e instanceof TypeError) throw fail('EILSEQ'); throw e; }
}

function* walkFrom(c: Context, dir: Fd, path: string, follow: boolean, allowMissing = false): Steps<Walked> {
  if (path === '') throw fail('ENOENT');
  return yield* walkSteps(c.vm.ns, [dir.chan!], path, { follow, allowMissing });
}

/** The directory chan and final name of a path, for calls that make or drop a name. */
function* parentOf(c: Context, dir: Fd, path: string): Steps<{ parent: Chan; name: string; slash: boolean }> {
  if (path === '') throw fail('ENOENT');
  const { dir: d, name, trailingSlash } = splitLast(path);
  const w: Walked = yield* walkSteps(c.vm.ns, [dir.chan!], d, { follow: true });
  return { parent: w.stack[w.stack.length - 1]!, name, slash: trailingSlash };
}

const top = (w: Walked): Chan => w.stack[w.stack.length - 1]!;

export const path = {
  *path_create_directory(c: Context, fd: number, ptr: number, len: number) {
    const d = c.dir(fd, R.PATH_CREATE_DIRECTORY);
    const { parent, name } = yield* parentOf(c, d, pathArg(c, ptr, len));
    if (name === '.' || name === '..' || name === '') throw fail('EEXIST');
    const target = c.vm.ns.createTarget(parent);
    yield target.create(name, 'dir', 0o777, true);
  },
  // not written as steps: a stat by path is a hot call, and stays free of generators
  path_filestat_get(c: Context, fd: number, flags: number, ptr: number, len: number, buf: number) {
    const path = pathArg(c, ptr, len);
    if (path === '') throw fail('ENOENT');
    const w = walk(c.vm.ns, [c.dir(fd, R.PATH_FILESTAT_GET).chan!], path, { follow: (flags & LOOKUP_FOLLOW) !== 0 });
    const st = then(w, w => top(w).file.stat());
    if (st instanceof Promise) return st.then(s => writeStat(c, buf, s));
    writeStat(c, buf, st);
  },
  *path_filestat_set_times(c: Context, fd: number, flags: number, ptr: number, len: number, atim: bigint, mtim: bigint, fst: number) {
    const change = timesChange(c, atim, mtim, fst);
    const w: Walked = yield* walkFrom(c, c.dir(fd, R.PATH_FILESTAT_SET_TIMES), pathArg(c, ptr, len), (flags & LOOKUP_FOLLOW) !== 0);
    const file = top(w).file;
    yield file.wstat(change);
  },
  *path_link(c: Context, oldFd: number, oldFlags: number, oldPtr: number, oldLen: number, newFd: number, newPtr: number, newLen: number) {
    const from: Walked = yield* walkFrom(c, c.dir(oldFd, R.PATH_LINK_SOURCE), pathArg(c, oldPtr, oldLen), (oldFlags & LOOKUP_FOLLOW) !== 0);
    const src = top(from).file;
    const { parent, name, slash } = yield* parentOf(c, c.dir(newFd, R.PATH_LINK_TARGET), pathArg(c, newPtr, newLen));
    if (src.qid.type === 'dir') throw fail('EPERM');
    if (name === '.' || name === '..' || name === '') throw fail('EEXIST');
    if (slash) throw fail('ENOENT');
    const target = c.vm.ns.createTarget(parent);
    yield target.link(name, src);
  },
  *path_open(c: Context, fd: number, dirflags: number, ptr: number, len: number, oflags: number, base: bigint, inheriting: bigint, fdflags: number, out: number) {
    const d = c.dir(fd, R.PATH_OPEN);
    c.g.view(out, 4); // a bad result pointer fails before anything is opened
    const path = pathArg(c, ptr, len);
    const creat = (oflags & OFLAGS.CREAT) !== 0, excl = (oflags & OFLAGS.EXCL) !== 0;
    const trunc = (oflags & OFLAGS.TRUNC) !== 0, wantDir = (oflags & OFLAGS.DIRECTORY) !== 0;
    if (oflags & ~OFLAGS_ALL) throw fail('EINVAL');
    if (creat && (d.base & R.PATH_CREATE_FILE) === 0n) throw fail('ENOTCAPABLE');
    if (trunc && (d.base & R.PATH_FILESTAT_SET_SIZE) === 0n) throw fail('ENOTCAPABLE');
    const follow = (dirflags & LOOKUP_FOLLOW) !== 0 && !(creat && excl);
    const w: Walked = yield* walkFrom(c, d, path, follow, creat);
    let chan = top(w);
    const read = (base & (R.FD_READ | R.FD_READDIR)) !== 0n;
    const write = (base & (R.FD_WRITE | R.FD_ALLOCATE | R.FD_FILESTAT_SET_SIZE)) !== 0n || trunc || (fdflags & FDFLAG.APPEND) !== 0;
    if (w.missing !== null) {
      if (wantDir) throw fail('EINVAL');
      if (path.endsWith('/')) throw fail('EISDIR');
      const target = c.vm.ns.createTarget(chan);
      const made: File = yield target.create(w.missing, 'file', 0o666, true);
      chan = c.vm.ns.chan(made);
    } else {
      if (creat && excl) throw fail('EEXIST');
      const t = chan.file.qid.type;
      if (t === 'symlink') throw fail(wantDir ? 'ENOTDIR' : 'ELOOP');
      if (wantDir && t !== 'dir') throw fail('ENOTDIR');
      if (t === 'dir' && (write || trunc)) throw fail('EISDIR');
    }
    const file = chan.file;
    const isDir = file.qid.type === 'dir';
    const handle: Handle | null = isDir ? null : yield file.open({ read, write: write && !isDir, truncate: trunc });
    const f = new Fd({ type: file.qid.type, chan, handle, readable: read || isDir, writable: write && !isDir });
    f.flags = fdflags & FDFLAGS_ALL;
    // what the directory lets its children have bounds what was asked
    f.base &= base & d.inheriting;
    f.inheriting &= inheriting & d.inheriting;
    c.g.u32(out, c.fds.add(f));
  },
  *path_readlink(c: Context, fd: number, ptr: number, len: number, buf: number, bufLen: number, bufused: number) {
    const w: Walked = yield* walkFrom(c, c.dir(fd, R.PATH_READLINK), pathArg(c, ptr, len), false);
    const file = top(w).file;
    if (file.qid.type !== 'symlink') throw fail('EINVAL');
    const target = enc.encode(yield file.readlink());
    const n = Math.min(target.length, bufLen);
    c.g.bytes(buf, n).set(target.subarray(0, n));
    c.g.u32(bufused, n);
  },
  *path_remove_directory(c: Context, fd: number, ptr: number, len: number) {
    const { parent, name } = yield* parentOf(c, c.dir(fd, R.PATH_REMOVE_DIRECTORY), pathArg(c, ptr, len));
    if (name === '.' || name === '') throw fail('EINVAL');
    if (name === '..') throw fail('ENOTEMPTY');
    const dir: File = yield holder(parent, name);
    yield dir.remove(name, 'dir');
  },
  *path_rename(c: Context, fd: number, oldPtr: number, oldLen: number, newFd: number, newPtr: number, newLen: number) {
    const from = yield* parentOf(c, c.dir(fd, R.PATH_RENAME_SOURCE), pathArg(c, oldPtr, oldLen));
    const to = yield* parentOf(c, c.dir(newFd, R.PATH_RENAME_TARGET), pathArg(c, newPtr, newLen));
    for (const n of [from.name, to.name]) if (n === '.' || n === '..' || n === '') throw fail(n === '' ? 'ENOENT' : 'EBUSY');
    const src: File = yield holder(from.parent, from.name);
    if (from.slash || to.slash) {
      const moved: Chan = yield c.vm.ns.step(from.parent, from.name);
      if (moved.file.qid.type !== 'dir') throw fail('ENOTDIR');
    }
    yield src.rename(from.name, c.vm.ns.createTarget(to.parent), to.name);
  },
  *path_symlink(c: Context, oldPtr: number, oldLen: number, fd: number, newPtr: number, newLen: number) {
    const target = pathArg(c, oldPtr, oldLen);
    // an absolute target could only ever mean something outside this directory's reach
    if (target.startsWith('/')) throw fail('ENOTCAPABLE', 'absolute symlink target');
    const { parent, name, slash } = yield* parentOf(c, c.dir(fd, R.PATH_SYMLINK), pathArg(c, newPtr, newLen));
    if (name === '.' || name === '..' || name === '') throw fail('EEXIST');
    if (slash) {
      try { yield c.vm.ns.step(parent, name); } catch { throw fail('ENOENT'); }
      throw fail('EEXIST');
    }
    const dir = c.vm.ns.createTarget(parent);
    yield dir.symlink(name, target);
  },
  *path_unlink_file(c: Context, fd: number, ptr: number, len: number) {
    const { parent, name, slash } = yield* parentOf(c, c.dir(fd, R.PATH_UNLINK_FILE), pathArg(c, ptr, len));
    if (name === '.' || name === '..' || name === '') throw fail('EISDIR');
    if (slash) {
      const ch: Chan = yield c.vm.ns.step(parent, name);
      throw fail(ch.file.qid.type === 'dir' ? 'EISDIR' : 'ENOTDIR');
    }
    const dir: File = yield holder(parent, name);
    yield dir.remove(name, 'file');
  },
};
