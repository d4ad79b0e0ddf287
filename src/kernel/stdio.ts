// Stdio for library users: feed a VM bytes, or collect what it writes.
import { fail } from '../error.ts';
import { handle } from '../fs/defaults.ts';
import type { Handle } from '../fs/types.ts';

export interface Sink extends Handle {
  /** everything written so far */
  bytes(): Uint8Array;
  text(): string;
}

/** A handle that keeps what is written to it. */
export function collect(): Sink {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const bytes = (): Uint8Array => {
    const out = new Uint8Array(size);
    let at = 0;
    for (const c of chunks) { out.set(c, at); at += c.length; }
    chunks.splice(0, chunks.length, out);
    return out;
  };
  return handle({
    seekable: false,
    read: () => { throw fail('EBADF'); },
    write: (src: Uint8Array) => { chunks.push(src.slice()); size += src.length; return src.length; },
    bytes,
    text: () => new TextDecoder().decode(bytes()),
  });
}

/** A handle that reads the given bytes, then end of file. */
export function source(data: Uint8Array | string): Handle {
  const b = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  let at = 0;
  return handle({
    seekable: false,
    read: (dst: Uint8Array) => { const n = Math.min(dst.length, b.length - at); dst.set(b.subarray(at, at + n)); at += n; return n; },
    write: () => { throw fail('EBADF'); },
  });
}

/** A handle that discards writes and reads nothing: /dev/null as stdio. */
export function nothing(): Handle {
  return handle({ seekable: false, read: () => 0, write: (s: Uint8Array) => s.length });
}
