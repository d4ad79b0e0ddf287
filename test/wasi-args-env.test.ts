// WASI args_* and environ_*: the guest sees exactly its arguments and --env pairs.
import { test } from 'node:test';
import { runChecks, tempRoot } from './lib/wasi-expect.ts';

const nodeWasiKnown = {
  bare_environ_get: 'uvwasi answers EINVAL to environ_get when the environment is empty (its host buffer is a null pointer)',
};

test('wasi_args_env: arguments and environment arrive exactly', async t => {
  const tmp = tempRoot('args');
  t.after(tmp.cleanup);
  await runChecks(t, 'wasi_args_env', {
    flags: ['--dir', `${tmp.root}::/`, '--env', 'FOO=bar', '--env', 'EMPTY=', '--env', 'EQ=a=b', '--env', 'UTF=ü'],
    args: ['alpha', 'two words', '', 'ünï', '--flag=x'],
    nodeWasiKnown,
  });
});

test('wasi_args_env: no arguments and no --env means an empty environment', async t => {
  const tmp = tempRoot('args-bare');
  t.after(tmp.cleanup);
  await runChecks(t, 'wasi_args_env', { flags: ['--dir', `${tmp.root}::/`], nodeWasiKnown });
});
