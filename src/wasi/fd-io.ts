// fd_read, fd_write, fd_pread, fd_pwrite, fd_seek, fd_tell: moving bytes between
// iovecs and a descriptor's handle, and the descriptor's position. A transfer stays
// synchronous while the handle answers at once (the common case, and the fast
// path: no Promise, no generator); after a wait it carries on from where it was.
import { fail } from '../error.ts';
import type { Handle, Maybe, Stat } from '../fs/types.ts';
import { then } from '../fs/types.ts';
import type { Context } from './context.ts';
import { FDFLAG, type Fd, R } from './fd.ts';

const IOV_MAX = 1024; // as POSIX: more iovecs than this in one call is EINVAL
const SET = 0, CUR = 1, END = 2;

// One read or write: what it moves between. How far it has got (the iovec, the
// bytes of it done, the position, the total) travels in arguments instead, so the
// loop keeps them in registers; this object is the call's one allocation.
class Transfer {
  readonly c: Context;
  readonly f: Fd;
  readonly h: Handle;
  readonly iovs: number;
  readonly n: number;
  /** the descriptor's position moves with it (fd_read, fd_write; not pread, pwrite) */
  readonly advance: boolean;

  constructor(c: Context, f: Fd, h: Handle, iovs: number, n: number, advance: boolean) {
    this.c = c;
    this.f = f;
    this.h = h;
    this.iovs = iovs;
    this.n = n;
    this.advance = advance;
  }

  done(pos: number, total: number): number {
    if (this.advance && this.h.seekable) this.f.pos = pos;
    return total;
  }
}

function readv(c: Context, f: Fd, iovs: number, n: number, at: number | null): Maybe<number> {
  if (n > IOV_MAX) throw fail('EINVAL');
  if (!f.readable || !f.handle) throw fail(f.type === 'dir' ? 'EISDIR' : 'EBADF');
  return readFrom(new Transfer(c, f, f.handle, iovs, n, at === null), 0, at ?? f.pos, 0);
}

// Reads into iovecs one after another; stops early on a short read. A read that is
// started is always waited for: a stream that cannot answer at once is asked only
// when nothing has been read yet, and a non-blocking one only when ready.
function readFrom(t: Transfer, i: number, pos: number, total: number): Maybe<number> {
  const { c, f, h, iovs, n } = t;
  for (; i < n; i++) {
    const { ptr, len } = c.g.iov(iovs, i);
    if (len === 0) continue;
    if (h.ready ? !h.ready('read') : !h.seekable) {
      if (total > 0) break; // have something: do not wait for more
      if (h.ready && f.flags & FDFLAG.NONBLOCK) throw fail('EAGAIN');
    }
    const r = h.read(c.g.bytes(ptr, len), pos);
    if (r instanceof Promise) {
      const [next, at, before] = [i + 1, pos, total];
      return c.vm.block(r).then(got => got < len ? t.done(at + got, before + got) : readFrom(t, next, at + got, before + got));
    }
    total += r;
    pos += r;
    if (r < len) break;
  }
  return t.done(pos, total);
}

function writev(c: Context, f: Fd, iovs: number, n: number, at: number | null): Maybe<number> {
  if (n > IOV_MAX) throw fail('EINVAL');
  if (!f.writable || !f.handle) throw fail(f.type === 'dir' ? 'EISDIR' : 'EBADF');
  const h = f.handle;
  if (at === null && f.flags & FDFLAG.APPEND && f.chan) {
    return then(f.chan.file.stat(), st => writeFrom(new Transfer(c, f, h, iovs, n, true), 0, 0, st.size, 0));
  }
  return writeFrom(new Transfer(c, f, h, iovs, n, at === null), 0, 0, at ?? f.pos, 0);
}

// Writes every iovec whole, taking short writes in parts. A write that is started is
// always waited for; a non-blocking one starts only when ready.
function writeFrom(t: Transfer, i: number, off: number, pos: number, total: number): Maybe<number> {
  const { c, f, h, iovs, n } = t;
  for (; i < n; i++, off = 0) {
    const { ptr, len } = c.g.iov(iovs, i);
    while (off < len) {
      if (f.flags & FDFLAG.NONBLOCK && h.ready && !h.ready('write')) {
        if (total > 0) return t.done(pos, total);
        throw fail('EAGAIN');
      }
      const r = h.write(c.g.bytes(ptr + off, len - off), pos);
      if (r instanceof Promise) {
        const [at, done, before] = [i, off, total];
        return c.vm.block(r).then(put => writeFrom(t, at, done + put, pos + put, before + put));
      }
      if (r === 0) throw fail('EIO', 'a write made no progress');
      off += r;
      pos += r;
      total += r;
    }
  }
  return t.done(pos, total);
}

/** Writes a count to guest memory once it is known: the shape of every read and write call. */
function countTo(c: Context, ptr: number, r: Maybe<number>): Maybe<void> {
  if (r instanceof Promise) return r.then(n => c.g.u32(ptr, n));
  c.g.u32(ptr, r);
}

export const fdIo = {
  fd_read(c: Context, fd: number, iovs: number, n: number, nread: number) {
    return countTo(c, nread, readv(c, c.fd(fd, R.FD_READ), iovs, n, null));
  },
  fd_write(c: Context, fd: number, iovs: number, n: number, nwritten: number) {
    return countTo(c, nwritten, writev(c, c.fd(fd, R.FD_WRITE), iovs, n, null));
  },
  fd_pread(c: Context, fd: number, iovs: number, n: number, offset: bigint, nread: number) {
    const f = c.fd(fd, R.FD_READ);
    if (f.handle && !f.handle.seekable) throw fail('ESPIPE');
    if (offset < 0n) throw fail('EINVAL');
    return countTo(c, nread, readv(c, f, iovs, n, Number(offset)));
  },
  fd_pwrite(c: Context, fd: number, iovs: number, n: number, offset: bigint, nwritten: number) {
    const f = c.fd(fd, R.FD_WRITE);
    if (f.handle && !f.handle.seekable) throw fail('ESPIPE');
    if (offset < 0n) throw fail('EINVAL');
    return countTo(c, nwritten, writev(c, f, iovs, n, Number(offset)));
  },
  *fd_seek(c: Context, fd: number, offset: bigint, whence: number, newOffset: number) {
    if (c.fd(fd).handle?.seekable === false) throw fail('ESPIPE'); // before rights: a pipe has no seek right to lack
    const f = c.fd(fd, whence === CUR && offset === 0n ? R.FD_TELL | R.FD_SEEK : R.FD_SEEK);
    if (f.type === 'dir') throw fail('EBADF');
    if (!f.handle?.seekable) throw fail('ESPIPE');
    let base: number;
    if (whence === SET) base = 0;
    else if (whence === CUR) base = f.pos;
    else if (whence === END) base = f.chan ? ((yield f.chan.file.stat()) as Stat).size : 0;
    else throw fail('EINVAL');
    const pos = BigInt(base) + offset;
    if (pos < 0n) throw fail('EINVAL');
    f.pos = Number(pos);
    c.g.u64(newOffset, pos);
  },
  fd_tell(c: Context, fd: number, ptr: number) {
    if (c.fd(fd).handle?.seekable === false) throw fail('ESPIPE');
    const f = c.fd(fd, R.FD_TELL);
    if (f.type === 'dir') throw fail('EBADF');
    if (!f.handle?.seekable) throw fail('ESPIPE');
    c.g.u64(ptr, BigInt(f.pos));
  },
};
