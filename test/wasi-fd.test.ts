// WASI fd_* functions on files, directories and stdio, plus the preopen.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runChecks, tempRoot } from './lib/wasi-expect.ts';

const hostFlags = 'uvwasi reports the host open(2) flags (O_LARGEFILE, ...) instead of WASI fdflags';
const streamSeek = 'uvwasi checks rights first and answers ENOTCAPABLE; wasmtime (and POSIX pipes) answer ESPIPE';

test('wasi_fd: descriptors on files, directories and stdio', async t => {
  const tmp = tempRoot('fd');
  t.after(tmp.cleanup);
  writeFileSync(join(tmp.root, 'planted.txt'), 'planted by host\n');
  const r = await runChecks(t, 'wasi_fd', {
    flags: ['--dir', `${tmp.root}::/`],
    stdin: 'stdin for wasi_fd\n',
    nodeWasiKnown: {
      fd_prestat_dir_name_buffer_too_small: 'uvwasi answers ENOBUFS; wasmtime ENAMETOOLONG, the official suite accepts that or EINVAL',
      fd_prestat_get_stdin: 'uvwasi answers EINVAL for an fd that is not a preopen; wasmtime (and wasi-libc\'s preopen scan) expect EBADF',
      fd_seek_stdin_spipe: streamSeek,
      fd_tell_stdout_spipe: streamSeek,
      fd_pread_stdin_spipe: streamSeek,
      fd_pwrite_stdout_spipe: streamSeek,
      fd_write_stdin_not_writable: 'node spawns the runner with socketpair stdio, so the host write reaches the socket and fails with EPIPE',
      fd_fdstat_get_file_flags: hostFlags,
      fd_fdstat_get_root_flags: hostFlags,
      path_open_append_flag_reported: hostFlags,
      fd_fdstat_set_flags_append_reported: hostFlags,
    },
  });
  await t.test('stdout carries the raw fd_write to fd 1', () => assert.match(r.stdout, /^marker-stdout wasi_fd$/m));
  await t.test('stderr carries the raw fd_write to fd 2', () => assert.match(r.stderr, /marker-stderr wasi_fd\n/));
  await t.test('a file the guest wrote is on the host disk', () =>
    assert.equal(readFileSync(join(tmp.root, 'from_guest.txt'), 'utf8'), 'written by guest\n'));
});
