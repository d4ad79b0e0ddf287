// WASI poll_oneoff (clocks, fds, both at once) and sched_yield.
import { test } from 'node:test';
import { runChecks, tempRoot } from './lib/wasi-expect.ts';

const filePoll = 'uvwasi polls regular files and stdio with uv_poll, which epoll refuses for files (EPERM)';
const hangs = 'uvwasi treats a monotonic ABSTIME as a relative timeout of about the host uptime, so the call sleeps for hours';

test('wasi_poll: clocks and descriptors', async t => {
  const tmp = tempRoot('poll');
  t.after(tmp.cleanup);
  await runChecks(t, 'wasi_poll', {
    flags: ['--dir', `${tmp.root}::/`],
    stdin: 'poll-stdin\n',
    nodeWasiKnown: {
      poll_oneoff_absolute_realtime_waits_until: 'uvwasi turns the deadline into a millisecond timer and wakes up to 2 ms early',
      poll_oneoff_unknown_clock: 'uvwasi fires a subscription on an unknown clock id as if it were valid',
      poll_oneoff_file_read: filePoll,
      poll_oneoff_file_write: filePoll,
      poll_oneoff_stdout_write: filePoll,
      poll_oneoff_mixed: filePoll,
      poll_oneoff_bad_fd: 'uvwasi drops the subscription on a bad fd silently: no EBADF, no event',
      poll_oneoff_closed_fd: 'uvwasi drops the subscription on a bad fd silently: no EBADF, no event',
    },
    nodeWasiCrashes: {
      poll_oneoff_absolute_monotonic: hangs,
      poll_oneoff_absolute_past: hangs,
    },
  });
});
