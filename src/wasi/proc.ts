// proc_exit, proc_raise, sched_yield: the calls about the VM itself.
import { fail } from '../error.ts';
import type { Context } from './context.ts';

export const proc = {
  proc_exit(c: Context, code: number) { c.vm.exitNow(code >>> 0); },
  proc_raise(_c: Context, _signal: number) { throw fail('ENOSYS'); }, // there are no signals
  sched_yield(c: Context) { return c.vm.yieldNow(); },
};
