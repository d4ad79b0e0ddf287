// WASI preview 1 as the kernel's system-call interface: each VM gets an fd table
// (its stdio, then the root preopen at 3) and the preview-1 functions over it.
import { WASI_ERRNO } from '../error.ts';
import type { Abi, AbiBinding, VmServices } from '../kernel/abi.ts';
import type { Handle } from '../fs/types.ts';
import type { Guest } from '../wasm/guest.ts';
import { Fd, FdTable } from './fd.ts';
import { Context } from './context.ts';
import { blocking, preview1, streams } from './preview1.ts';

const EIO = WASI_ERRNO.EIO;

/** A call put in as a plain import: should it ever meet a Promise, it answers EIO rather than lie. */
function mustNotWait(f: (...args: any[]) => unknown): (...args: any[]) => unknown {
  return (...args) => {
    const r = f(...args);
    return r instanceof Promise ? EIO : r;
  };
}

export const wasiPreview1: Abi = {
  module: 'wasi_snapshot_preview1',
  bind(vm: VmServices, guest: Guest, stdio: readonly (Handle | null)[]): AbiBinding {
    const fds = new FdTable();
    stdio.forEach((h, i) => { if (h) fds.set(i, Fd.stdio(h, i)); });
    fds.set(3, Fd.root(() => vm.ns.root));
    const c = new Context(vm, fds, guest);
    return {
      importOf(name, serversWait) {
        const f = preview1(c, name);
        if (!f) return undefined;
        return streams.has(name) || (serversWait && blocking.has(name)) ? new WebAssembly.Suspending(f) : blocking.has(name) ? mustNotWait(f) : f;
      },
      handle: fd => fds.fds[fd]?.handle ?? null,
      close: () => fds.closeAll(),
    };
  },
};
