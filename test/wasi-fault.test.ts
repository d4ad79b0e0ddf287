// Bad pointers from the guest: EFAULT, never a crash or a read of someone else's memory.
import { test } from 'node:test';
import { runChecks } from './lib/wasi-expect.ts';

test('wasi_fault: pointers outside guest memory', async t => {
  await runChecks(t, 'wasi_fault');
});
