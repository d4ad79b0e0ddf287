// WASI sock_* on descriptors that are not sockets.
import { test } from 'node:test';
import { runChecks, tempRoot } from './lib/wasi-expect.ts';

const rightsFirst = 'uvwasi checks the SOCK_* rights first and answers ENOTCAPABLE';
const notsup = 'uvwasi answers ENOTSUP; wasmtime and the official sock_shutdown-not_sock test expect ENOTSOCK';
const nodeWasiKnown: Record<string, string> = { libc_shutdown_not_socket: notsup };
const nodeWasiCrashes: Record<string, string> = {};
for (const tag of ['file', 'preopen', 'stdin', 'stdout']) {
  for (const fn of ['accept', 'recv', 'send']) nodeWasiKnown[`sock_${fn}_${tag}`] = rightsFirst;
  nodeWasiKnown[`sock_shutdown_${tag}`] = notsup;
}
for (const tag of ['stdin', 'stdout'])
  for (const fn of ['accept', 'recv', 'send', 'shutdown'])
    nodeWasiCrashes[`sock_${fn}_${tag}`] = 'node segfaults on sock_* over stdio (seen with /dev/null and socketpair stdio)';

test('wasi_sock: socket calls on non-sockets', async t => {
  const tmp = tempRoot('sock');
  t.after(tmp.cleanup);
  await runChecks(t, 'wasi_sock', { flags: ['--dir', `${tmp.root}::/`], nodeWasiKnown, nodeWasiCrashes });
});
