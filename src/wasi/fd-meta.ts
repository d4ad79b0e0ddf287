// The descriptor calls that move no file bytes: fdstat and rights, filestat,
// advise, allocate, sync, close, renumber, and the preopen's prestat.
import { fail } from '../error.ts';
import type { Stat } from '../fs/types.ts';
import type { Context } from './context.ts';
import { FDFLAGS_ALL, FILETYPE, R } from './fd.ts';
import { timesChange, writeStat } from './filestat.ts';

const enc = new TextEncoder();
const ADVICE_MAX = 5; // normal, sequential, random, willneed, dontneed, noreuse
const PREOPENTYPE_DIR = 0;

export const fdMeta = {
  fd_advise(c: Context, fd: number, _offset: bigint, _len: bigint, advice: number) {
    const f = c.fd(fd);
    if (f.type !== 'dir') c.fd(fd, R.FD_ADVISE);
    if (advice < 0 || advice > ADVICE_MAX) throw fail('EINVAL');
    if (f.type === 'dir') throw fail('EBADF');
    if (!f.handle?.seekable) throw fail('ESPIPE');
  },
  *fd_allocate(c: Context, fd: number, offset: bigint, len: bigint) {
    const f = c.fd(fd);
    if (f.type !== 'dir') c.fd(fd, R.FD_ALLOCATE);
    if (f.type === 'dir') throw fail('EBADF');
    if (!f.handle?.seekable || !f.chan) throw fail('ESPIPE');
    if (!f.writable) throw fail('EBADF');
    if (offset < 0n || len <= 0n) throw fail('EINVAL');
    const st: Stat = yield f.chan.file.stat();
    const end = Number(offset + len);
    if (end > st.size) yield f.chan.file.wstat({ size: end });
  },
  fd_close(c: Context, fd: number) {
    c.fds.close(fd);
  },
  *fd_datasync(c: Context, fd: number) {
    const f = c.fd(fd);
    if (!f.writable && f.type !== 'dir') throw fail('EBADF');
    if (f.handle) yield f.handle.sync();
  },
  *fd_sync(c: Context, fd: number) {
    const f = c.fd(fd);
    if (f.handle) yield f.handle.sync();
  },
  fd_fdstat_get(c: Context, fd: number, ptr: number) {
    ptr >>>= 0;
    const f = c.fd(fd);
    const v = c.g.view(ptr, 24);
    v.setUint8(ptr, FILETYPE[f.type]);
    v.setUint16(ptr + 2, f.flags, true);
    v.setBigUint64(ptr + 8, f.base, true);
    v.setBigUint64(ptr + 16, f.inheriting, true);
  },
  fd_fdstat_set_flags(c: Context, fd: number, flags: number) {
    const f = c.fd(fd);
    if (flags & ~FDFLAGS_ALL) throw fail('EINVAL');
    f.flags = flags;
  },
  fd_fdstat_set_rights(c: Context, fd: number, base: bigint, inheriting: bigint) {
    const f = c.fd(fd);
    if ((base & ~f.base) !== 0n || (inheriting & ~f.inheriting) !== 0n) throw fail('ENOTCAPABLE');
    f.base = base;
    f.inheriting = inheriting;
  },
  *fd_filestat_get(c: Context, fd: number, ptr: number) {
    const f = c.fd(fd, R.FD_FILESTAT_GET);
    if (f.preopen !== null) c.dir(fd);
    if (!f.chan) {
      writeStat(c, ptr, { type: f.type, dev: 0, ino: 0, mode: 0o600, nlink: 1, size: 0, atime: 0n, mtime: 0n, ctime: 0n });
      return;
    }
    writeStat(c, ptr, yield f.chan.file.stat());
  },
  *fd_filestat_set_size(c: Context, fd: number, size: bigint) {
    const f = c.fd(fd);
    if (f.type === 'dir') throw fail('EISDIR');
    c.fd(fd, R.FD_FILESTAT_SET_SIZE);
    if (!f.chan || !f.handle?.seekable) throw fail('EINVAL');
    if (!f.writable) throw fail('EBADF');
    if (size < 0n || size > BigInt(Number.MAX_SAFE_INTEGER)) throw fail('EINVAL');
    yield f.chan.file.wstat({ size: Number(size) });
  },
  *fd_filestat_set_times(c: Context, fd: number, atim: bigint, mtim: bigint, flags: number) {
    const f = c.fd(fd, R.FD_FILESTAT_SET_TIMES);
    const change = timesChange(c, atim, mtim, flags);
    if (!f.chan) return;
    yield f.chan.file.wstat(change);
  },
  fd_renumber(c: Context, from: number, to: number) {
    const f = c.fd(from);
    c.fd(to);
    if (from === to) return;
    c.fds.close(to);
    c.fds.set(to, f);
    c.fds.fds[from] = undefined;
  },
  fd_prestat_get(c: Context, fd: number, ptr: number) {
    ptr >>>= 0;
    const f = c.fd(fd);
    if (f.preopen === null) throw fail('EBADF');
    const v = c.g.view(ptr, 8);
    v.setUint32(ptr, PREOPENTYPE_DIR, true);
    v.setUint32(ptr + 4, enc.encode(f.preopen).length, true);
  },
  fd_prestat_dir_name(c: Context, fd: number, ptr: number, len: number) {
    const f = c.fd(fd);
    if (f.preopen === null) throw fail('EBADF');
    const name = enc.encode(f.preopen);
    if (len < name.length) throw fail('ENAMETOOLONG');
    c.g.bytes(ptr, name.length).set(name);
  },
};
