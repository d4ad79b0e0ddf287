// clock_* and random_get: the VM's clocks and randomness (deterministic when the
// VM is), read through the kernel.
import { fail } from '../error.ts';
import type { Context } from './context.ts';

const REALTIME = 0, MONOTONIC = 1, PROCESS_CPUTIME = 2, THREAD_CPUTIME = 3;

export const clockRandom = {
  clock_res_get(c: Context, id: number, ptr: number) {
    if (id < REALTIME || id > THREAD_CPUTIME) throw fail('EINVAL');
    c.g.u64(ptr, 1000n);
  },
  clock_time_get(c: Context, id: number, _precision: bigint, ptr: number) {
    const clock = c.vm.clock;
    if (id === REALTIME) c.g.u64(ptr, clock.realtime());
    else if (id === MONOTONIC) c.g.u64(ptr, clock.monotonic());
    else if (id === PROCESS_CPUTIME || id === THREAD_CPUTIME) c.g.u64(ptr, clock.cputime());
    else throw fail('EINVAL');
  },
  random_get(c: Context, ptr: number, len: number) {
    c.vm.clock.random(c.g.bytes(ptr, len));
  },
};
