// WASI path_* functions (except symlinks and readdir, which have their own files):
// creation, lookup, links, renames, removal, and confinement below the dirfd.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { hostCheck, runChecks, tempRoot } from './lib/wasi-expect.ts';

const clamps = 'uvwasi resolves `..` lexically and clamps it at the preopen, so the path lands inside (or answers ENOENT) instead of failing with EPERM/ENOTCAPABLE';
const emptyPath = 'uvwasi answers EINVAL for an empty path; openat(2) and wasmtime answer ENOENT';

test('wasi_path: path functions and their errors', async t => {
  const tmp = tempRoot('path');
  t.after(tmp.cleanup);
  writeFileSync(join(tmp.root, 'planted.txt'), 'p'.repeat(1234));
  mkdirSync(join(tmp.root, 'planted_dir'));
  writeFileSync(join(tmp.root, 'planted_dir', 'inner.txt'), 'inner\n');
  await runChecks(t, 'wasi_path', {
    flags: ['--dir', `${tmp.root}::/`],
    nodeWasiKnown: {
      path_create_directory_escape: clamps,
      path_filestat_get_escape: clamps,
      path_filestat_set_times_escape: clamps,
      path_open_escape_dotdot: clamps,
      path_open_escape_deep: clamps,
      path_open_escape_create: clamps,
      path_link_escape_target: clamps,
      path_link_escape_source: clamps,
      path_rename_escape_target: clamps,
      path_rename_escape_source: clamps,
      path_remove_directory_escape: clamps,
      path_unlink_file_escape: clamps,
      path_filestat_get_empty_path: emptyPath,
      path_open_empty_path: emptyPath,
    },
    nodeWasiCrashes: {
      path_filestat_set_times_mtim_and_now: 'uvwasi returns EINVAL with the dirfd still locked; the next call on fd 3 deadlocks',
      path_filestat_set_times_atim_and_now: 'uvwasi returns EINVAL with the dirfd still locked; the next call on fd 3 deadlocks',
    },
  });
  await hostCheck(t, 'the guest\'s file is on the host disk', () =>
    assert.equal(readFileSync(join(tmp.root, 'out', 'hello.txt'), 'utf8'), 'guest wrote this\n'));
  await hostCheck(t, 'nothing was created beside the bound directory', () => assert.deepEqual(readdirSync(tmp.top), ['root']));
  await hostCheck(t, 'escape attempts left no entries at the root either', () => {
    for (const name of ['escaped_dir', 'escaped.txt', 'hard_out', 'moved_out', 'from_sub', 'abs_dir', 'abs_link', 'abs_rename'])
      if (existsSync(join(tmp.root, name))) assert.fail(`${name} exists in the bound directory`);
  }, clamps);
});
