// WASI fd_readdir: entries, cookies, exact buffer filling, and the libc loops on top.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runChecks, tempRoot } from './lib/wasi-expect.ts';

const nodeWasiKnown: Record<string, string> = {
  fd_readdir_dot_entries: 'uvwasi omits . and .. (wasmtime lists both first; the official fd_readdir test expects them)',
  fd_readdir_ino_matches_filestat: 'uvwasi reports d_ino 0',
};
for (const label of ['1', '7', '8', '16', '20', '23', '24', '25', 'first_entry_minus_1', 'first_entry', 'first_entry_plus_1',
  'first_entry_plus_header', '100', '333', '1000'])
  nodeWasiKnown[`fd_readdir_fills_exactly_${label}`] = 'uvwasi reports the buffer as full but leaves the bytes of the entry it cuts short unwritten';

test('wasi_readdir: listing, cookies and buffer filling', async t => {
  const tmp = tempRoot('readdir');
  t.after(tmp.cleanup);
  writeFileSync(join(tmp.root, 'host_a'), 'a');
  writeFileSync(join(tmp.root, 'host_b'), 'b');
  await runChecks(t, 'wasi_readdir', { flags: ['--dir', `${tmp.root}::/`], nodeWasiKnown });
});
