// An open file as the shell's descriptors hold it. Several descriptors (in the
// shell, its forks and the VMs it starts) may refer to one open file, as after
// dup(2) or fork(2): they share one position, and the file is closed when the
// last of them lets go. That is what makes a pipe's reader see end of file only
// when every writer has finished, and `{a; b} >f` write b after a.
import { fail } from '../error.ts';
import { handle } from '../fs/defaults.ts';
import type { Handle, Maybe } from '../fs/types.ts';
import { readToEnd } from '../fs/read-all.ts';

export class Shared {
  readonly handle: Handle;
  /** the position every holder shares (files; streams ignore it) */
  private pos = 0;
  private holders = 1;

  /** Takes ownership of handle, with one holder: the caller. */
  constructor(handle: Handle) { this.handle = handle; }

  hold(): this {
    if (this.holders === 0) throw fail('EBADF', 'closed');
    this.holders++;
    return this;
  }

  release(): void {
    if (this.holders > 0 && --this.holders === 0) this.handle.close();
  }

  read(dst: Uint8Array): Maybe<number> {
    const n = this.handle.read(dst, this.pos);
    if (n instanceof Promise) return n.then(k => { this.pos += k; return k; });
    this.pos += n;
    return n;
  }

  write(src: Uint8Array): Maybe<number> {
    const n = this.handle.write(src, this.pos);
    if (n instanceof Promise) return n.then(k => { this.pos += k; return k; });
    this.pos += n;
    return n;
  }

  /**
   * A Handle of its own for a VM's stdio, counting as one holder until it is
   * closed. It is a stream: the position is the shared one, so seeking is ESPIPE.
   */
  lend(): Handle {
    this.hold();
    let open = true;
    const h = this.handle;
    return handle({
      seekable: false,
      read: (dst: Uint8Array) => this.read(dst),
      write: (src: Uint8Array) => this.write(src),
      ready: (op: 'read' | 'write') => h.ready?.(op) ?? true,
      whenReady: (op: 'read' | 'write') => h.whenReady?.(op) ?? Promise.resolve(),
      close: () => { if (open) { open = false; this.release(); } },
    });
  }
}

/** Writes all of src (a short write is retried from where it stopped). */
export async function writeAll(f: Shared, src: Uint8Array): Promise<void> {
  for (let at = 0; at < src.length;) {
    const n = await f.write(src.subarray(at));
    if (n <= 0) throw fail('EIO', 'short write');
    at += n;
  }
}

/** Reads to end of file. */
export function readAll(f: Shared): Promise<Uint8Array> {
  return readToEnd(d => f.read(d));
}
