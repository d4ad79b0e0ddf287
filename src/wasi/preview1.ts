// WASI preview 1 over the kernel. Each function reads its arguments from guest
// memory, asks the fd table, namespace or file server, and writes results back;
// it answers an errno now, or a Promise of one when something must wait (the
// import is then a JSPI Suspending function and only this VM waits).
import { GoblinError, fail, wasiErrno } from '../error.ts';
import { drive, type Steps } from '../fs/maybe.ts';
import { then, type Dirent, type File, type Handle, type Maybe, type Stat } from '../fs/types.ts';
import type { Chan, Namespace } from '../ns/namespace.ts';
import { splitLast, walk, walkSteps, type Walked } from '../ns/walk.ts';
import type { VmServices } from '../kernel/abi.ts';
import { FDFLAG, FILETYPE, Fd, type FdTable, R } from './fd.ts';
import { Guest } from '../wasm/guest.ts';
import { pollOneoff } from './poll.ts';

/** What WASI needs of a VM: the kernel's services. */
export type WasiVm = VmServices;

const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { fatal: true });

const OFLAGS = { CREAT: 1, DIRECTORY: 2, EXCL: 4, TRUNC: 8 };
const FST = { ATIM: 1, ATIM_NOW: 2, MTIM: 4, MTIM_NOW: 8 };
const LOOKUP_FOLLOW = 1;
const IOV_MAX = 1024; // as POSIX: more iovecs than this in one call is EINVAL

/** A safe integer as a little-endian u64, without making a BigInt. */
function u64(v: DataView, at: number, n: number): void {
  v.setUint32(at, n >>> 0, true);
  v.setUint32(at + 4, Math.floor(n / 4294967296), true);
}

/** Errors raised inside a call become its errno; unwinding signals pass through. */
function errno(e: unknown): number {
  if (e instanceof GoblinError) return wasiErrno(e);
  // guest pointers are checked before use, so a RangeError is the host running out
  if (e instanceof RangeError) return 48; // ENOMEM
  throw e;
}

function settle(r: Maybe<number | void>): Maybe<number> {
  if (r instanceof Promise) return r.then(v => v ?? 0, errno);
  return r ?? 0;
}

/** Runs a call written as steps; any error becomes its errno. */
function run(g: Steps<number | void>): Maybe<number> {
  try { return settle(drive(g)); } catch (e) { return errno(e); }
}

export type Imports = Record<string, (...args: any[]) => Maybe<number> | void>;

/** The wasi_snapshot_preview1 functions of one VM; `blocking` lists those that may wait. */
export function preview1(vm: WasiVm, fds: FdTable, g: Guest): { imports: Imports; blocking: Set<string>; streams: Set<string> } {

  const fdOf = (fd: number): Fd => fds.get(fd);
  /** The fd, if it holds `right` (else ENOTCAPABLE). */
  const withRight = (fd: number, right: bigint): Fd => {
    const f = fds.get(fd);
    if ((f.base & right) === 0n) throw fail('ENOTCAPABLE');
    return f;
  };
  const dirWith = (fd: number, right: bigint): Fd => {
    const f = dirOf(fd);
    if ((f.base & right) === 0n) throw fail('ENOTCAPABLE');
    return f;
  };
  const dirOf = (fd: number): Fd => {
    const f = fds.get(fd);
    if (f.type !== 'dir') throw fail('ENOTDIR');
    return f;
  };
  const pathArg = (ptr: number, len: number): string => {
    const b = g.bytes(ptr, len);
    // most paths are short and ASCII: skip the decoder for them
    if (len <= 64) {
      let ascii = true;
      for (let i = 0; i < len; i++) if (b[i]! > 0x7f) { ascii = false; break; }
      if (ascii) return String.fromCharCode.apply(null, b as unknown as number[]);
    }
    try { return dec.decode(b); } catch (e) { if (e instanceof TypeError) throw fail('EILSEQ'); throw e; }
  };
  const wait = <T>(x: Maybe<T>): Maybe<T> => (x instanceof Promise ? vm.block(x) : x);

  function* walkFrom(dir: Fd, path: string, follow: boolean, allowMissing = false): Steps<Walked> {
    if (path === '') throw fail('ENOENT');
    return yield* walkSteps(vm.ns, [dir.chan!], path, { follow, allowMissing });
  }

  /** The directory chan and final name of a path, for calls that make or drop a name. */
  function* parentOf(dir: Fd, path: string): Steps<{ parent: Chan; name: string; slash: boolean }> {
    if (path === '') throw fail('ENOENT');
    const { dir: d, name, trailingSlash } = splitLast(path);
    const w: Walked = yield* walkSteps(vm.ns, [dir.chan!], d, { follow: true });
    return { parent: w.stack[w.stack.length - 1]!, name, slash: trailingSlash };
  }

  /** The union member (or plain directory) that holds `name`. */
  function* holder(parent: Chan, name: string): Steps<File> {
    if (!parent.union) return parent.file;
    for (const m of parent.union) {
      if (m.file.qid.type !== 'dir' || !m.file.walk) continue;
      try { yield m.file.walk(name); return m.file; } catch (e) { if (!(e instanceof GoblinError) || e.errno !== 'ENOENT') throw e; }
    }
    throw fail('ENOENT');
  }

  function writeStat(ptr: number, st: Stat): void {
    ptr >>>= 0;
    const v = g.view(ptr, 64);
    u64(v, ptr, vm.devOf(st.dev));
    u64(v, ptr + 8, st.ino);
    v.setBigUint64(ptr + 16, 0n, true);
    v.setUint8(ptr + 16, FILETYPE[st.type]);
    u64(v, ptr + 24, st.nlink);
    u64(v, ptr + 32, st.size);
    v.setBigUint64(ptr + 40, st.atime, true);
    v.setBigUint64(ptr + 48, st.mtime, true);
    v.setBigUint64(ptr + 56, st.ctime, true);
  }

  function timesChange(atim: bigint, mtim: bigint, flags: number): { atime?: bigint; mtime?: bigint } {
    if ((flags & FST.ATIM && flags & FST.ATIM_NOW) || (flags & FST.MTIM && flags & FST.MTIM_NOW) || flags & ~15) throw fail('EINVAL');
    const now = flags & (FST.ATIM_NOW | FST.MTIM_NOW) ? vm.clock.realtime() : 0n;
    const c: { atime?: bigint; mtime?: bigint } = {};
    if (flags & FST.ATIM) c.atime = atim; else if (flags & FST.ATIM_NOW) c.atime = now;
    if (flags & FST.MTIM) c.mtime = mtim; else if (flags & FST.MTIM_NOW) c.mtime = now;
    return c;
  }

  function* listing(f: Fd): Steps<Dirent[]> {
    const self: Stat = yield f.chan!.file.stat();
    const ents: Dirent[] = yield vm.ns.list(f.chan!);
    if (vm.clock.deterministic) ents.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return [{ name: '.', type: 'dir', ino: self.ino }, { name: '..', type: 'dir', ino: self.ino }, ...ents];
  }

  // Reads into iovecs one after another; stops early on a short read. Synchronous
  // while the handle answers at once; after a wait it carries on from where it was.
  function readv(f: Fd, iovs: number, n: number, at: number | null): Maybe<number> {
    if (n > IOV_MAX) throw fail('EINVAL');
    if (!f.readable || !f.handle) throw fail(f.type === 'dir' ? 'EISDIR' : 'EBADF');
    return readFrom(f, f.handle, iovs, n, 0, at ?? f.pos, 0, at === null);
  }

  // A read that is started is always waited for: a stream that cannot answer at once
  // is asked only when nothing has been read yet, and a non-blocking one only when ready.
  function readFrom(f: Fd, h: Handle, iovs: number, n: number, i: number, pos: number, total: number, advance: boolean): Maybe<number> {
    for (; i < n; i++) {
      const { ptr, len } = g.iov(iovs, i);
      if (len === 0) continue;
      if (h.ready ? !h.ready('read') : !h.seekable) {
        if (total > 0) break; // have something: do not wait for more
        if (h.ready && f.flags & FDFLAG.NONBLOCK) throw fail('EAGAIN');
      }
      const r = h.read(g.bytes(ptr, len), pos);
      if (r instanceof Promise) {
        const [next, before] = [i, total];
        return vm.block(r).then(got => got < len ? finishRead(f, h, pos + got, before + got, advance) : readFrom(f, h, iovs, n, next + 1, pos + got, before + got, advance));
      }
      total += r;
      pos += r;
      if (r < len) break;
    }
    return finishRead(f, h, pos, total, advance);
  }

  function finishRead(f: Fd, h: Handle, pos: number, total: number, advance: boolean): number {
    if (advance && h.seekable) f.pos = pos;
    return total;
  }

  function writev(f: Fd, iovs: number, n: number, at: number | null): Maybe<number> {
    if (n > IOV_MAX) throw fail('EINVAL');
    if (!f.writable || !f.handle) throw fail(f.type === 'dir' ? 'EISDIR' : 'EBADF');
    const h = f.handle;
    if (at === null && f.flags & FDFLAG.APPEND && f.chan) {
      return then(f.chan.file.stat(), st => writeFrom(f, h, iovs, n, 0, 0, st.size, 0, true));
    }
    return writeFrom(f, h, iovs, n, 0, 0, at ?? f.pos, 0, at === null);
  }

  function writeFrom(f: Fd, h: Handle, iovs: number, n: number, i: number, off: number, pos: number, total: number, advance: boolean): Maybe<number> {
    for (; i < n; i++, off = 0) {
      const { ptr, len } = g.iov(iovs, i);
      while (off < len) {
        // a write that is started is always waited for; a non-blocking one starts only when ready
        if (f.flags & FDFLAG.NONBLOCK && h.ready && !h.ready('write')) {
          if (total > 0) return finishWrite(f, h, pos, total, advance);
          throw fail('EAGAIN');
        }
        const r = h.write(g.bytes(ptr + off, len - off), pos);
        if (r instanceof Promise) {
          const [ni, noff] = [i, off];
          return vm.block(r).then(put => writeFrom(f, h, iovs, n, ni, noff + put, pos + put, total + put, advance));
        }
        if (r === 0) throw fail('EIO', 'a write made no progress');
        off += r;
        pos += r;
        total += r;
      }
    }
    return finishWrite(f, h, pos, total, advance);
  }

  function finishWrite(f: Fd, h: Handle, pos: number, total: number, advance: boolean): number {
    if (advance && h.seekable) f.pos = pos;
    return total;
  }

  /** Writes a count to guest memory once it is known: the shape of every read and write call. */
  function countTo(ptr: number, r: Maybe<number>): Maybe<number> {
    if (r instanceof Promise) return r.then(c => { g.u32(ptr, c); return 0; }, errno);
    g.u32(ptr, r);
    return 0;
  }

  const imports: Imports = {
    args_sizes_get(argc, size) {
      try {
        g.u32(argc, vm.args.length);
        g.u32(size, vm.args.reduce((s, a) => s + enc.encode(a).length + 1, 0));
        return 0;
      } catch (e) { return errno(e); }
    },
    args_get(argv, buf) {
      try { g.strings(vm.args, argv, buf); return 0; } catch (e) { return errno(e); }
    },
    environ_sizes_get(count, size) {
      try {
        g.u32(count, vm.env.size);
        let n = 0;
        for (const [k, v] of vm.env) n += enc.encode(k).length + enc.encode(v).length + 2;
        g.u32(size, n);
        return 0;
      } catch (e) { return errno(e); }
    },
    environ_get(envp, buf) {
      try { g.strings([...vm.env].map(([k, v]) => `${k}=${v}`), envp, buf); return 0; } catch (e) { return errno(e); }
    },

    clock_res_get(id, ptr) {
      try {
        if (id < 0 || id > 3) throw fail('EINVAL');
        g.u64(ptr, 1000n);
        return 0;
      } catch (e) { return errno(e); }
    },
    clock_time_get(id, _precision, ptr) {
      try {
        const c = vm.clock;
        g.u64(ptr, id === 0 ? c.realtime() : id === 1 ? c.monotonic() : id === 2 || id === 3 ? c.cputime() : (() => { throw fail('EINVAL'); })());
        return 0;
      } catch (e) { return errno(e); }
    },

    fd_advise(fd, _offset, _len, advice) {
      try {
        const f = fdOf(fd);
        if (f.type !== 'dir') withRight(fd, R.FD_ADVISE);
        if (advice < 0 || advice > 5) throw fail('EINVAL');
        if (f.type === 'dir') throw fail('EBADF');
        if (!f.handle?.seekable) throw fail('ESPIPE');
        return 0;
      } catch (e) { return errno(e); }
    },
    fd_allocate(fd, offset: bigint, len: bigint) {
      return run(function* () {
        const f = fdOf(fd);
        if (f.type !== 'dir') withRight(fd, R.FD_ALLOCATE);
        if (f.type === 'dir') throw fail('EBADF');
        if (!f.handle?.seekable || !f.chan) throw fail('ESPIPE');
        if (!f.writable) throw fail('EBADF');
        if (offset < 0n || len <= 0n) throw fail('EINVAL');
        const st: Stat = yield f.chan.file.stat();
        const end = Number(offset + len);
        if (end > st.size) yield f.chan.file.wstat!({ size: end });
      }());
    },
    fd_close(fd) {
      try { fds.close(fd); return 0; } catch (e) { return errno(e); }
    },
    fd_datasync(fd) {
      return run(function* () {
        const f = fdOf(fd);
        if (!f.writable && f.type !== 'dir') throw fail('EBADF');
        if (f.handle?.sync) yield f.handle.sync();
      }());
    },
    fd_sync(fd) {
      return run(function* () {
        const f = fdOf(fd);
        if (f.handle?.sync) yield f.handle.sync();
      }());
    },
    fd_fdstat_get(fd, ptr) {
      try {
        ptr >>>= 0;
        const f = fdOf(fd);
        const v = g.view(ptr, 24);
        v.setUint8(ptr, FILETYPE[f.type]);
        v.setUint16(ptr + 2, f.flags, true);
        v.setBigUint64(ptr + 8, f.base, true);
        v.setBigUint64(ptr + 16, f.inheriting, true);
        return 0;
      } catch (e) { return errno(e); }
    },
    fd_fdstat_set_flags(fd, flags) {
      try {
        const f = fdOf(fd);
        if (flags & ~31) throw fail('EINVAL');
        f.flags = flags;
        return 0;
      } catch (e) { return errno(e); }
    },
    fd_fdstat_set_rights(fd, base: bigint, inheriting: bigint) {
      try {
        const f = fdOf(fd);
        if ((base & ~f.base) !== 0n || (inheriting & ~f.inheriting) !== 0n) throw fail('ENOTCAPABLE');
        f.base = base;
        f.inheriting = inheriting;
        return 0;
      } catch (e) { return errno(e); }
    },
    fd_filestat_get(fd, ptr) {
      return run(function* () {
        const f = withRight(fd, R.FD_FILESTAT_GET);
        if (f.preopen !== null) dirOf(fd);
        if (!f.chan) {
          writeStat(ptr, { type: f.type, dev: 0, ino: 0, mode: 0o600, nlink: 1, size: 0, atime: 0n, mtime: 0n, ctime: 0n });
          return;
        }
        writeStat(ptr, yield f.chan.file.stat());
      }());
    },
    fd_filestat_set_size(fd, size: bigint) {
      return run(function* () {
        const f = fdOf(fd);
        if (f.type === 'dir') throw fail('EISDIR');
        withRight(fd, R.FD_FILESTAT_SET_SIZE);
        if (!f.chan || !f.handle?.seekable) throw fail('EINVAL');
        if (!f.writable) throw fail('EBADF');
        if (size < 0n || size > BigInt(Number.MAX_SAFE_INTEGER)) throw fail('EINVAL');
        yield f.chan.file.wstat!({ size: Number(size) });
      }());
    },
    fd_filestat_set_times(fd, atim: bigint, mtim: bigint, flags) {
      return run(function* () {
        const f = withRight(fd, R.FD_FILESTAT_SET_TIMES);
        const c = timesChange(atim, mtim, flags);
        if (!f.chan) return;
        if (!f.chan.file.wstat) throw fail('EPERM');
        yield f.chan.file.wstat(c);
      }());
    },
    fd_pread(fd, iovs, n, offset: bigint, nread) {
      try {
        const f = withRight(fd, R.FD_READ);
        if (f.handle && !f.handle.seekable) throw fail('ESPIPE');
        if (offset < 0n) throw fail('EINVAL');
        return countTo(nread, readv(f, iovs, n, Number(offset)));
      } catch (e) { return errno(e); }
    },
    fd_pwrite(fd, iovs, n, offset: bigint, nwritten) {
      try {
        const f = withRight(fd, R.FD_WRITE);
        if (f.handle && !f.handle.seekable) throw fail('ESPIPE');
        if (offset < 0n) throw fail('EINVAL');
        return countTo(nwritten, writev(f, iovs, n, Number(offset)));
      } catch (e) { return errno(e); }
    },
    fd_read(fd, iovs, n, nread) {
      try { return countTo(nread, readv(withRight(fd, R.FD_READ), iovs, n, null)); } catch (e) { return errno(e); }
    },
    fd_write(fd, iovs, n, nwritten) {
      try { return countTo(nwritten, writev(withRight(fd, R.FD_WRITE), iovs, n, null)); } catch (e) { return errno(e); }
    },
    fd_readdir(fd, buf, bufLen, cookie: bigint, bufused) {
      return run(function* () {
        const f = dirWith(fd, R.FD_READDIR);
        if (cookie === 0n || !f.listing) f.listing = yield* listing(f);
        const ents = f.listing;
        const out = g.bytes(buf, bufLen);
        const header = new DataView(new ArrayBuffer(24));
        const hb = new Uint8Array(header.buffer);
        let used = 0;
        for (let i = Number(cookie); i < ents.length && used < bufLen; i++) {
          const e = ents[i]!;
          const name = enc.encode(e.name);
          header.setBigUint64(0, BigInt(i + 1), true);
          header.setBigUint64(8, BigInt(e.ino), true);
          header.setUint32(16, name.length, true);
          header.setUint8(20, FILETYPE[e.type]);
          // the last entry may be cut: the buffer is filled to exactly its length
          const h = Math.min(24, bufLen - used);
          out.set(hb.subarray(0, h), used);
          used += h;
          const nm = Math.min(name.length, bufLen - used);
          out.set(name.subarray(0, nm), used);
          used += nm;
        }
        g.u32(bufused, used);
      }());
    },
    fd_renumber(from, to) {
      try {
        const f = fdOf(from);
        fdOf(to);
        if (from === to) return 0;
        fds.close(to);
        fds.set(to, f);
        fds.fds[from] = undefined;
        return 0;
      } catch (e) { return errno(e); }
    },
    fd_seek(fd, offset: bigint, whence, newOffset) {
      return run(function* () {
        const stream = fdOf(fd).handle?.seekable === false;
        if (stream) throw fail('ESPIPE'); // before rights: a pipe has no seek right to lack
        const f = withRight(fd, whence === 1 && offset === 0n ? R.FD_TELL | R.FD_SEEK : R.FD_SEEK);
        if (f.type === 'dir') throw fail('EBADF');
        if (!f.handle?.seekable) throw fail('ESPIPE');
        let base: number;
        if (whence === 0) base = 0;
        else if (whence === 1) base = f.pos;
        else if (whence === 2) base = f.chan ? ((yield f.chan.file.stat()) as Stat).size : 0;
        else throw fail('EINVAL');
        const pos = BigInt(base) + offset;
        if (pos < 0n) throw fail('EINVAL');
        f.pos = Number(pos);
        g.u64(newOffset, pos);
      }());
    },
    fd_tell(fd, ptr) {
      try {
        if (fdOf(fd).handle?.seekable === false) throw fail('ESPIPE');
        const f = withRight(fd, R.FD_TELL);
        if (f.type === 'dir') throw fail('EBADF');
        if (!f.handle?.seekable) throw fail('ESPIPE');
        g.u64(ptr, BigInt(f.pos));
        return 0;
      } catch (e) { return errno(e); }
    },
    fd_prestat_get(fd, ptr) {
      try {
        ptr >>>= 0;
        const f = fdOf(fd);
        if (f.preopen === null) throw fail('EBADF');
        const v = g.view(ptr, 8);
        v.setUint32(ptr, 0, true);
        v.setUint32(ptr + 4, enc.encode(f.preopen).length, true);
        return 0;
      } catch (e) { return errno(e); }
    },
    fd_prestat_dir_name(fd, ptr, len) {
      try {
        const f = fdOf(fd);
        if (f.preopen === null) throw fail('EBADF');
        const name = enc.encode(f.preopen);
        if (len < name.length) throw fail('ENAMETOOLONG');
        g.bytes(ptr, name.length).set(name);
        return 0;
      } catch (e) { return errno(e); }
    },

    path_create_directory(fd, ptr, len) {
      return run(function* () {
        const d = dirWith(fd, R.PATH_CREATE_DIRECTORY);
        const { parent, name } = yield* parentOf(d, pathArg(ptr, len));
        if (name === '.' || name === '..' || name === '') throw fail('EEXIST');
        const target = vm.ns.createTarget(parent);
        if (!target.create) throw fail('EACCES');
        yield target.create(name, 'dir', 0o777, true);
      }());
    },
    path_filestat_get(fd, flags, ptr, len, buf) {
      try {
        const path = pathArg(ptr, len);
        if (path === '') throw fail('ENOENT');
        const w = walk(vm.ns, [dirWith(fd, R.PATH_FILESTAT_GET).chan!], path, { follow: (flags & LOOKUP_FOLLOW) !== 0 });
        const st = then(w, w => w.stack[w.stack.length - 1]!.file.stat());
        if (st instanceof Promise) return st.then(s => { writeStat(buf, s); return 0; }, errno);
        writeStat(buf, st);
        return 0;
      } catch (e) { return errno(e); }
    },
    path_filestat_set_times(fd, flags, ptr, len, atim: bigint, mtim: bigint, fst) {
      return run(function* () {
        const c = timesChange(atim, mtim, fst);
        const w: Walked = yield* walkFrom(dirWith(fd, R.PATH_FILESTAT_SET_TIMES), pathArg(ptr, len), (flags & LOOKUP_FOLLOW) !== 0);
        const file = w.stack[w.stack.length - 1]!.file;
        if (!file.wstat) throw fail('EPERM');
        yield file.wstat(c);
      }());
    },
    path_link(oldFd, oldFlags, oldPtr, oldLen, newFd, newPtr, newLen) {
      return run(function* () {
        const from: Walked = yield* walkFrom(dirWith(oldFd, R.PATH_LINK_SOURCE), pathArg(oldPtr, oldLen), (oldFlags & LOOKUP_FOLLOW) !== 0);
        const src = from.stack[from.stack.length - 1]!.file;
        const { parent, name, slash } = yield* parentOf(dirWith(newFd, R.PATH_LINK_TARGET), pathArg(newPtr, newLen));
        if (src.qid.type === 'dir') throw fail('EPERM');
        if (name === '.' || name === '..' || name === '') throw fail('EEXIST');
        if (slash) throw fail('ENOENT');
        const target = vm.ns.createTarget(parent);
        if (!target.link) throw fail('EPERM');
        yield target.link(name, src);
      }());
    },
    path_open(fd, dirflags, ptr, len, oflags, base: bigint, inheriting: bigint, fdflags, out) {
      return run(function* () {
        const d = dirWith(fd, R.PATH_OPEN);
        g.view(out, 4); // a bad result pointer fails before anything is opened
        const path = pathArg(ptr, len);
        const creat = (oflags & OFLAGS.CREAT) !== 0, excl = (oflags & OFLAGS.EXCL) !== 0;
        const trunc = (oflags & OFLAGS.TRUNC) !== 0, wantDir = (oflags & OFLAGS.DIRECTORY) !== 0;
        if (oflags & ~15) throw fail('EINVAL');
        if (creat && (d.base & R.PATH_CREATE_FILE) === 0n) throw fail('ENOTCAPABLE');
        if (trunc && (d.base & R.PATH_FILESTAT_SET_SIZE) === 0n) throw fail('ENOTCAPABLE');
        const follow = (dirflags & LOOKUP_FOLLOW) !== 0 && !(creat && excl);
        const w: Walked = yield* walkFrom(d, path, follow, creat);
        let chan = w.stack[w.stack.length - 1]!;
        const read = (base & (R.FD_READ | R.FD_READDIR)) !== 0n;
        const write = (base & (R.FD_WRITE | R.FD_ALLOCATE | R.FD_FILESTAT_SET_SIZE)) !== 0n || trunc || (fdflags & FDFLAG.APPEND) !== 0;
        if (w.missing !== null) {
          if (wantDir) throw fail('EINVAL');
          if (path.endsWith('/')) throw fail('EISDIR');
          const target = vm.ns.createTarget(chan);
          if (!target.create) throw fail('EACCES');
          const made: File = yield target.create(w.missing, 'file', 0o666, true);
          chan = vm.ns.chan(made);
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
        const f = new Fd(file.qid.type, chan, handle, read || isDir, write && !isDir);
        f.flags = fdflags & 31;
        // what the directory lets its children have bounds what was asked
        f.base &= base & d.inheriting;
        f.inheriting &= inheriting & d.inheriting;
        g.u32(out, fds.add(f));
      }());
    },
    path_readlink(fd, ptr, len, buf, bufLen, bufused) {
      return run(function* () {
        const w: Walked = yield* walkFrom(dirWith(fd, R.PATH_READLINK), pathArg(ptr, len), false);
        const file = w.stack[w.stack.length - 1]!.file;
        if (file.qid.type !== 'symlink' || !file.readlink) throw fail('EINVAL');
        const target = enc.encode(yield file.readlink());
        const n = Math.min(target.length, bufLen);
        g.bytes(buf, n).set(target.subarray(0, n));
        g.u32(bufused, n);
      }());
    },
    path_remove_directory(fd, ptr, len) {
      return run(function* () {
        const { parent, name } = yield* parentOf(dirWith(fd, R.PATH_REMOVE_DIRECTORY), pathArg(ptr, len));
        if (name === '.' || name === '') throw fail('EINVAL');
        if (name === '..') throw fail('ENOTEMPTY');
        const dir: File = yield* holder(parent, name);
        if (!dir.remove) throw fail('EACCES');
        yield dir.remove(name, 'dir');
      }());
    },
    path_rename(fd, oldPtr, oldLen, newFd, newPtr, newLen) {
      return run(function* () {
        const from = yield* parentOf(dirWith(fd, R.PATH_RENAME_SOURCE), pathArg(oldPtr, oldLen));
        const to = yield* parentOf(dirWith(newFd, R.PATH_RENAME_TARGET), pathArg(newPtr, newLen));
        for (const n of [from.name, to.name]) if (n === '.' || n === '..' || n === '') throw fail(n === '' ? 'ENOENT' : 'EBUSY');
        const src: File = yield* holder(from.parent, from.name);
        if (from.slash || to.slash) {
          const moved: Chan = yield vm.ns.step(from.parent, from.name);
          if (moved.file.qid.type !== 'dir') throw fail('ENOTDIR');
        }
        if (!src.rename) throw fail('EACCES');
        yield src.rename(from.name, vm.ns.createTarget(to.parent), to.name);
      }());
    },
    path_symlink(oldPtr, oldLen, fd, newPtr, newLen) {
      return run(function* () {
        const target = pathArg(oldPtr, oldLen);
        // an absolute target could only ever mean something outside this directory's reach
        if (target.startsWith('/')) throw fail('ENOTCAPABLE', 'absolute symlink target');
        const { parent, name, slash } = yield* parentOf(dirWith(fd, R.PATH_SYMLINK), pathArg(newPtr, newLen));
        if (name === '.' || name === '..' || name === '') throw fail('EEXIST');
        if (slash) {
          try { yield vm.ns.step(parent, name); } catch { throw fail('ENOENT'); }
          throw fail('EEXIST');
        }
        const dir = vm.ns.createTarget(parent);
        if (!dir.symlink) throw fail('EPERM');
        yield dir.symlink(name, target);
      }());
    },
    path_unlink_file(fd, ptr, len) {
      return run(function* () {
        const { parent, name, slash } = yield* parentOf(dirWith(fd, R.PATH_UNLINK_FILE), pathArg(ptr, len));
        if (name === '.' || name === '..' || name === '') throw fail('EISDIR');
        if (slash) {
          const c: Chan = yield vm.ns.step(parent, name);
          throw fail(c.file.qid.type === 'dir' ? 'EISDIR' : 'ENOTDIR');
        }
        const dir: File = yield* holder(parent, name);
        if (!dir.remove) throw fail('EACCES');
        yield dir.remove(name, 'file');
      }());
    },

    poll_oneoff(inPtr, outPtr, n, neventsPtr) {
      try { return settle(pollOneoff(vm, fds, g, inPtr, outPtr, n, neventsPtr)); } catch (e) { return errno(e); }
    },
    proc_exit(code) { vm.exitNow(code >>> 0); },
    proc_raise() { return 52; /* ENOSYS: there are no signals */ },
    sched_yield() { return vm.yieldNow().then(() => 0); },
    random_get(ptr, len) {
      try { vm.clock.random(g.bytes(ptr, len)); return 0; } catch (e) { return errno(e); }
    },

    // No sockets are preopened, so every socket call meets a descriptor that is not one
    // A directory is no descriptor for sock_* at all (EBADF, as wasmtime answers); other files are ENOTSOCK.
    sock_accept(fd) { return sockCall(fd); },
    sock_recv(fd) { return sockCall(fd); },
    sock_send(fd) { return sockCall(fd); },
    sock_shutdown(fd) { return sockCall(fd); },
  };

  function sockCall(fd: number): number {
    try {
      const f = fdOf(fd);
      throw fail(f.type === 'socket' ? 'ENOTSUP' : f.type === 'dir' ? 'EBADF' : 'ENOTSOCK');
    } catch (e) { return errno(e); }
  }

  // calls that may wait on a stream (a pipe, a console) whatever the namespace holds
  const streams = new Set(['fd_read', 'fd_write', 'fd_pread', 'fd_pwrite', 'poll_oneoff', 'sched_yield']);
  const blocking = new Set(['fd_read', 'fd_write', 'fd_pread', 'fd_pwrite', 'fd_readdir', 'fd_seek', 'fd_sync', 'fd_datasync',
    'fd_allocate', 'fd_filestat_get', 'fd_filestat_set_size', 'fd_filestat_set_times', 'path_create_directory',
    'path_filestat_get', 'path_filestat_set_times', 'path_link', 'path_open', 'path_readlink', 'path_remove_directory',
    'path_rename', 'path_symlink', 'path_unlink_file', 'poll_oneoff', 'sched_yield']);
  return { imports, blocking, streams };
}
