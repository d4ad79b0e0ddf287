// WASI clocks, random_get and sched_yield.
import { test } from 'node:test';
import { runChecks, tempRoot } from './lib/wasi-expect.ts';

test('wasi_clock_random: clocks, randomness and yielding', async t => {
  const tmp = tempRoot('clock');
  t.after(tmp.cleanup);
  await runChecks(t, 'wasi_clock_random', { flags: ['--dir', `${tmp.root}::/`] });
});
