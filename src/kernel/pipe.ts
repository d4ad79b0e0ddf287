// A pipe between VMs: a bounded ring buffer. A reader of an empty pipe and a writer
// of a full one wait (their VM suspends) until the other side moves: backpressure.
// Writing after the last reader has gone is EPIPE; reading after the last writer
// has gone drains what is left, then reads 0 (end of file).
import { fail } from '../error.ts';
import { handle } from '../fs/defaults.ts';
import type { Handle } from '../fs/types.ts';

export const PIPE_CAPACITY = 256 * 1024;

export class Pipe {
  private readonly buf: Uint8Array;
  private head = 0;
  private len = 0;
  private readers = 0;
  private writers = 0;
  /** settles at the next change (bytes in or out, an end closed); one for all waiters, so none pile up */
  private changed: { promise: Promise<void>; resolve: () => void } | null = null;

  constructor(capacity = PIPE_CAPACITY) { this.buf = new Uint8Array(capacity); }

  private canRead(): boolean { return this.len > 0 || this.writers === 0; }
  private canWrite(): boolean { return this.len < this.buf.length || this.readers === 0; }

  /** A new handle on the reading end (each must be closed). */
  reader(): Handle {
    this.readers++;
    let open = true;
    return handle({
      seekable: false,
      read: (dst: Uint8Array) => { if (!open) throw fail('EBADF'); return this.read(dst); },
      write: () => { throw fail('EBADF'); },
      // polling a read end for writing never becomes true
      ready: op => op === 'read' && this.canRead(),
      whenReady: op => (op === 'read' ? this.until(() => this.canRead()) : NEVER),
      close: () => { if (open) { open = false; this.readers--; this.wake(); } },
    });
  }

  /** A new handle on the writing end (each must be closed). */
  writer(): Handle {
    this.writers++;
    let open = true;
    return handle({
      seekable: false,
      read: () => { throw fail('EBADF'); },
      write: (src: Uint8Array) => { if (!open) throw fail('EBADF'); return this.write(src); },
      ready: op => op === 'write' && this.canWrite(),
      whenReady: op => (op === 'write' ? this.until(() => this.canWrite()) : NEVER),
      close: () => { if (open) { open = false; this.writers--; this.wake(); } },
    });
  }

  read(dst: Uint8Array): number | Promise<number> {
    if (dst.length === 0) return 0;
    if (this.len === 0) {
      if (this.writers === 0) return 0;
      return this.until(() => this.canRead()).then(() => this.read(dst));
    }
    const cap = this.buf.length;
    const n = Math.min(dst.length, this.len);
    const first = Math.min(n, cap - this.head);
    dst.set(this.buf.subarray(this.head, this.head + first));
    if (n > first) dst.set(this.buf.subarray(0, n - first), first);
    this.head = (this.head + n) % cap;
    this.len -= n;
    if (this.len === 0) this.head = 0;
    this.wake();
    return n;
  }

  write(src: Uint8Array): number | Promise<number> {
    if (this.readers === 0) throw fail('EPIPE');
    if (src.length === 0) return 0;
    const cap = this.buf.length;
    const space = cap - this.len;
    if (space === 0) return this.until(() => this.canWrite()).then(() => this.write(src));
    const n = Math.min(space, src.length);
    const tail = (this.head + this.len) % cap;
    const first = Math.min(n, cap - tail);
    this.buf.set(src.subarray(0, first), tail);
    if (n > first) this.buf.set(src.subarray(first, n), 0);
    this.len += n;
    this.wake();
    return n;
  }

  /** Settles once ok() holds (checked again after every change). */
  private until(ok: () => boolean): Promise<void> {
    if (ok()) return Promise.resolve();
    if (!this.changed) {
      let resolve!: () => void;
      const promise = new Promise<void>(r => { resolve = r; });
      this.changed = { promise, resolve };
    }
    return this.changed.promise.then(() => this.until(ok));
  }

  private wake(): void {
    const c = this.changed;
    if (!c) return;
    this.changed = null;
    c.resolve();
  }
}

/** What waiting for an impossible event looks like: it never settles (and holds nothing). */
const NEVER: Promise<void> = new Promise(() => {});
