// What every preview-1 call of one VM shares: the kernel's services, the fd table
// and the guest's memory. Calls are plain functions of a Context and their
// arguments; preview1.ts binds them to one and turns what they throw into errnos.
import { fail } from '../error.ts';
import type { Steps } from '../fs/maybe.ts';
import type { Maybe } from '../fs/types.ts';
import type { VmServices } from '../kernel/abi.ts';
import type { Guest } from '../wasm/guest.ts';
import type { Fd, FdTable } from './fd.ts';

/** What WASI needs of a VM: the kernel's services. */
export type WasiVm = VmServices;

/**
 * One preview-1 function: it reads its arguments from guest memory, does its work
 * and writes results back, throwing a GoblinError to fail. It answers now, or a
 * Promise when something must wait; written as steps (a generator function), it is
 * driven and stays synchronous until a step waits. No value means success.
 */
export type Call = (c: Context, ...args: any[]) => Maybe<number | void> | Steps<number | void>;

export type Calls = Record<string, Call>;

export class Context {
  readonly vm: WasiVm;
  readonly fds: FdTable;
  readonly g: Guest;

  constructor(vm: WasiVm, fds: FdTable, g: Guest) {
    this.vm = vm;
    this.fds = fds;
    this.g = g;
  }

  /** The descriptor (else EBADF); given `right`, only if it holds it (else ENOTCAPABLE). */
  fd(fd: number, right?: bigint): Fd {
    const f = this.fds.get(fd);
    if (right !== undefined && (f.base & right) === 0n) throw fail('ENOTCAPABLE');
    return f;
  }

  /** The descriptor if it is a directory (else EBADF or ENOTDIR); given `right`, only if it holds it. */
  dir(fd: number, right?: bigint): Fd {
    const f = this.fds.get(fd);
    if (f.type !== 'dir') throw fail('ENOTDIR');
    if (right !== undefined && (f.base & right) === 0n) throw fail('ENOTCAPABLE');
    return f;
  }
}
