// The host process's own descriptors as Handles, for a VM's stdio.
// Writes are synchronous while the descriptor takes them (a terminal, a file, a
// pipe with room); EAGAIN on a non-blocking pipe waits for it to drain instead.
// Reads go through libuv's thread pool so a VM waiting on input suspends alone.
import * as fs from 'node:fs';
import { GoblinError } from '../error.ts';
import { handle } from '../fs/defaults.ts';
import type { Handle } from '../fs/types.ts';
import { hostError } from './host-error.ts';


const isAgain = (e: unknown) => (e as NodeJS.ErrnoException).code === 'EAGAIN';

export function hostOutput(fd: number): Handle {
  const write = (src: Uint8Array): number | Promise<number> => {
    try { return fs.writeSync(fd, src, 0, src.length); } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EPIPE') throw new GoblinError('EPIPE');
      if (isAgain(e)) return new Promise<void>(r => setTimeout(r, 1)).then(() => write(src));
      throw hostError(e);
    }
  };
  return handle({ seekable: false, read: () => { throw new GoblinError('EBADF'); }, write });
}

export function hostInput(fd: number): Handle {
  let eof = false;
  const read = (dst: Uint8Array): Promise<number> => {
    if (eof || dst.length === 0) return Promise.resolve(0);
    return new Promise((resolve, reject) => {
      fs.read(fd, dst, 0, dst.length, null, (err, n) => {
        if (!err) { if (n === 0) eof = true; resolve(n); return; }
        if (isAgain(err)) { setTimeout(() => read(dst).then(resolve, reject), 5); return; }
        if (err.code === 'EOF') { eof = true; resolve(0); return; }
        reject(hostError(err));
      });
    });
  };
  return handle({ seekable: false, read, write: () => { throw new GoblinError('EBADF'); } });
}
