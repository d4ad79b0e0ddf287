// Every fd-taking WASI function rejects descriptors that are not open (EBADF),
// and path functions reject a directory fd that is not a directory.
import { test } from 'node:test';
import { runChecks, tempRoot } from './lib/wasi-expect.ts';

const nodeWasiKnown: Record<string, string> = {};
for (const tag of ['unopened', 'closed', 'negative'])
  nodeWasiKnown[`sock_shutdown_${tag}_ebadf`] = 'uvwasi answers ENOTSUP from every sock_* call before looking at the fd';
for (const fn of ['fd_advise', 'fd_allocate', 'fd_fdstat_set_rights', 'fd_filestat_set_size', 'fd_filestat_set_times', 'fd_pread',
  'fd_pwrite', 'fd_readdir', 'fd_seek', 'path_filestat_set_times', 'path_open'])
  nodeWasiKnown[`${fn}_negative_ebadf`] = 'node validates its 64-bit argument conversions first and answers EINVAL for fd 0xffffffff';
for (const fn of ['path_create_directory', 'path_filestat_get', 'path_filestat_set_times', 'path_link', 'path_open', 'path_readlink',
  'path_remove_directory', 'path_rename', 'path_symlink', 'path_unlink_file', 'fd_readdir'])
  nodeWasiKnown[`${fn}_stdin_dirfd`] = 'uvwasi resolves the path against stdin\'s recorded name and answers ENOENT';

test('wasi_badf: closed, unopened and non-directory descriptors are refused', async t => {
  const tmp = tempRoot('badf');
  t.after(tmp.cleanup);
  await runChecks(t, 'wasi_badf', { flags: ['--dir', `${tmp.root}::/`], nodeWasiKnown });
});
