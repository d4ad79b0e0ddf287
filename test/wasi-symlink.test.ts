// WASI path_symlink, path_readlink and symlink handling in the other path functions.
import { test } from 'node:test';
import { runChecks, tempRoot } from './lib/wasi-expect.ts';

const followsAnyway = 'uvwasi ignores lookupflags in path_open and always follows the last symlink';

test('wasi_symlink: links, dangling links, loops', async t => {
  const tmp = tempRoot('symlink');
  t.after(tmp.cleanup);
  await runChecks(t, 'wasi_symlink', {
    flags: ['--dir', `${tmp.root}::/`],
    nodeWasiKnown: {
      path_readlink_writes_only_the_target: 'uvwasi writes a NUL after the link text',
      path_readlink_short_buffer: 'uvwasi answers ENOBUFS instead of truncating (the official readlink test expects a prefix)',
      path_open_nofollow_file_link: followsAnyway,
      path_open_nofollow_dir_link_as_directory: followsAnyway,
      path_open_nofollow_dangling: followsAnyway,
      path_open_creat_nofollow_on_link_fails: `${followsAnyway}, so O_CREAT creates the dangling link's target`,
      path_symlink_escape: 'uvwasi clamps `..` at the preopen, so ../evil_link is created inside it',
    },
  });
});
