// WASI proc_exit (status codes pass through, output is not lost) and proc_raise.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cc } from './lib/cc.ts';
import { run } from './lib/run.ts';
import { hostCheck, runChecks, tempRoot, underNodeWasi } from './lib/wasi-expect.ts';

test('wasi_exit: exit statuses pass through', async t => {
  const tmp = tempRoot('exit');
  t.after(tmp.cleanup);
  const wasm = cc('wasi_exit');
  const flags = ['--dir', `${tmp.root}::/`];
  for (const n of [0, 1, 2, 42, 125]) {
    await t.test(`proc_exit_code_${n}`, async () => {
      const r = await run(flags, wasm, ['exit', String(n)]);
      assert.equal(r.stdout, 'ok before_exit\n', 'output before proc_exit, and nothing after it');
      assert.equal(r.code, n, `exit status; stderr: ${r.stderr}`);
    });
  }
  await t.test('main_return_code', async () => {
    const r = await run(flags, wasm, ['return', '7']);
    assert.equal(r.code, 7, r.stderr);
    assert.equal(r.stdout, '');
  });
  await t.test('proc_exit_from_nested_call', async () => {
    const r = await run(flags, wasm, ['nested', '9']);
    assert.equal(r.code, 9, r.stderr);
    assert.doesNotMatch(r.stdout, /FAIL/);
  });
  await t.test('proc_exit_after_large_output_loses_nothing', async () => {
    const r = await run(flags, wasm, ['output', '4']);
    assert.equal(r.code, 4, r.stderr);
    assert.equal(r.out.length, 64 * 4096, 'bytes on stdout');
    const lines = r.stdout.split('\n');
    assert.equal(lines[0], 'a'.repeat(4095));
    assert.equal(lines[63], String.fromCharCode(97 + 63 % 26).repeat(4095));
  });
  await t.test('trap_is_a_failure_status_not_a_signal', async () => {
    const r = await run(flags, wasm, ['trap']);
    assert.equal(r.stdout, 'ok before_trap\n');
    assert.equal(r.signal, null, 'the runtime itself must not die of a signal');
    assert.notEqual(r.code, 0, 'a trap must not look like success');
  });
});

test('wasi_exit: proc_raise stays inside the sandbox', async t => {
  const tmp = tempRoot('raise');
  t.after(tmp.cleanup);
  const why = 'uvwasi raises the signal in the host process: node itself dies of SIGTERM';
  if (underNodeWasi) {
    // The guest never gets to report; record what happened instead of parsing.
    const r = await run(['--dir', `${tmp.root}::/`], cc('wasi_exit'), ['raise']);
    await hostCheck(t, 'proc_raise_term_unsupported', () => assert.equal(r.signal, null, `runner died of ${r.signal}`), why);
    return;
  }
  await runChecks(t, 'wasi_exit', { flags: ['--dir', `${tmp.root}::/`], args: ['raise'] });
});
