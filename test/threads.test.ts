// Kernel threads in workers: VMs spread over threads, results come back whole.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KernelThreads } from '../src/node/threads.ts';
import { program } from './lib/kernel.ts';

test('VMs run on several kernel threads and each gives its result', async () => {
  const pool = new KernelThreads(2);
  try {
    const jobs = Array.from({ length: 6 }, (_, i) => pool.run({ module: program('k_work'), args: ['w', String(100000 + i)] }));
    const results = await Promise.all(jobs);
    for (const r of results) {
      assert.equal(r.code, 0);
      assert.match(new TextDecoder().decode(r.stdout), /^\d+\n$/);
    }
    assert.equal(new Set(results.map(r => r.thread)).size, 2, 'both threads ran VMs');
    const echo = await pool.run({ module: program('gfs'), args: ['gfs', 'cat', '/dev/cons'], stdin: new TextEncoder().encode('through a thread') });
    assert.equal(new TextDecoder().decode(echo.stdout), 'through a thread');
    const limited = await pool.run({ module: program('k_spin'), limits: { fuel: 1_000_000 } });
    assert.equal(limited.message, 'fuel exhausted');
  } finally {
    await pool.close();
  }
});
