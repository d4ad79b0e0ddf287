// poll_oneoff with relative and absolute clocks (monotonic and realtime), several
// clocks at once, file and stdio fds, a mix of both, and its error cases; plus
// sched_yield. The runner feeds "poll-stdin\n" on stdin.
#include "check.h"

#define ROOT 3
#define MS 1000000ull
#define SLACK (1 * MS) // timer granularity allowed when comparing sleeps

static uint64_t mono(void) {
  __wasi_timestamp_t t = 0;
  return __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t) ? 0 : t;
}
static uint64_t real(void) {
  __wasi_timestamp_t t = 0;
  return __wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &t) ? 0 : t;
}
static __wasi_subscription_t clock_sub(uint64_t ud, __wasi_clockid_t id, uint64_t timeout, __wasi_subclockflags_t flags) {
  __wasi_subscription_t s;
  memset(&s, 0, sizeof s);
  s.userdata = ud;
  s.u.tag = __WASI_EVENTTYPE_CLOCK;
  s.u.u.clock.id = id;
  s.u.u.clock.timeout = timeout;
  s.u.u.clock.precision = 0;
  s.u.u.clock.flags = flags;
  return s;
}
static __wasi_subscription_t fd_sub(uint64_t ud, __wasi_eventtype_t type, __wasi_fd_t fd) {
  __wasi_subscription_t s;
  memset(&s, 0, sizeof s);
  s.userdata = ud;
  s.u.tag = type;
  if (type == __WASI_EVENTTYPE_FD_READ) s.u.u.fd_read.file_descriptor = fd;
  else s.u.u.fd_write.file_descriptor = fd;
  return s;
}

static __wasi_event_t ev[80];
static __wasi_size_t nev;
static uint64_t elapsed;

static __wasi_errno_t poll(const __wasi_subscription_t *in, __wasi_size_t n) {
  memset(ev, 0xcd, sizeof ev);
  nev = 0;
  uint64_t t0 = mono();
  __wasi_errno_t e = __wasi_poll_oneoff(in, ev, n, &nev);
  elapsed = mono() - t0;
  return e;
}
// The event for userdata ud, or NULL.
static __wasi_event_t *event_for(uint64_t ud) {
  for (__wasi_size_t i = 0; i < nev && i < 80; i++)
    if (ev[i].userdata == ud) return &ev[i];
  return NULL;
}
// Every event carries a userdata from the subscriptions, and no more events than subscriptions.
static int events_sane(const __wasi_subscription_t *in, __wasi_size_t n) {
  if (nev > n) return 0;
  for (__wasi_size_t i = 0; i < nev; i++) {
    int found = 0;
    for (__wasi_size_t j = 0; j < n; j++) found |= in[j].userdata == ev[i].userdata && in[j].u.tag == ev[i].type;
    if (!found) return 0;
  }
  return 1;
}

static void clocks(void) {
  __wasi_subscription_t s[64];
  ERR("poll_oneoff_no_subscriptions", poll(s, 0), __WASI_ERRNO_INVAL);

  s[0] = clock_sub(42, __WASI_CLOCKID_MONOTONIC, 30 * MS, 0);
  if (expect_ok("poll_oneoff_relative_clock", poll(s, 1))) {
    expect_u64("poll_oneoff_relative_clock_one_event", nev, 1);
    check("poll_oneoff_relative_clock_event", ev[0].userdata == 42 && ev[0].type == __WASI_EVENTTYPE_CLOCK && ev[0].error == 0,
          "userdata %llu type %d error %d", (unsigned long long)ev[0].userdata, ev[0].type, ev[0].error);
    check("poll_oneoff_relative_clock_waits", elapsed + SLACK >= 30 * MS, "returned after %llu us", (unsigned long long)(elapsed / 1000));
  }
  s[0] = clock_sub(7, __WASI_CLOCKID_REALTIME, 10 * MS, 0);
  if (expect_ok("poll_oneoff_relative_realtime_clock", poll(s, 1)))
    check("poll_oneoff_relative_realtime_clock_waits", nev == 1 && ev[0].userdata == 7 && elapsed + SLACK >= 10 * MS,
          "%u events after %llu us", (unsigned)nev, (unsigned long long)(elapsed / 1000));
  s[0] = clock_sub(8, __WASI_CLOCKID_MONOTONIC, 0, 0);
  if (expect_ok("poll_oneoff_zero_timeout", poll(s, 1)))
    check("poll_oneoff_zero_timeout_immediate", nev == 1 && ev[0].userdata == 8 && elapsed < 500 * MS, "%u events after %llu us", (unsigned)nev,
          (unsigned long long)(elapsed / 1000));

  uint64_t start = mono();
  s[0] = clock_sub(9, __WASI_CLOCKID_MONOTONIC, start + 30 * MS, __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME);
  if (!skip("poll_oneoff_absolute_monotonic") && expect_ok("poll_oneoff_absolute_monotonic", poll(s, 1))) {
    uint64_t end = mono();
    check("poll_oneoff_absolute_monotonic_waits_until", nev == 1 && ev[0].userdata == 9 && end + SLACK >= start + 30 * MS && end < start + 5000 * MS,
          "%u events, woke at %lld us (want 30000)", (unsigned)nev, (long long)(end - start) / 1000);
  }
  s[0] = clock_sub(10, __WASI_CLOCKID_MONOTONIC, mono() > 1000 * MS ? mono() - 1000 * MS : 0, __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME);
  if (!skip("poll_oneoff_absolute_past") && expect_ok("poll_oneoff_absolute_past", poll(s, 1)))
    check("poll_oneoff_absolute_past_immediate", nev == 1 && ev[0].userdata == 10 && elapsed < 500 * MS, "after %llu us", (unsigned long long)(elapsed / 1000));
  uint64_t rstart = real();
  s[0] = clock_sub(11, __WASI_CLOCKID_REALTIME, rstart + 20 * MS, __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME);
  if (!skip("poll_oneoff_absolute_realtime") && expect_ok("poll_oneoff_absolute_realtime", poll(s, 1))) {
    uint64_t rend = real();
    check("poll_oneoff_absolute_realtime_waits_until", nev == 1 && ev[0].userdata == 11 && rend + SLACK >= rstart + 20 * MS && rend < rstart + 5000 * MS,
          "%u events, woke at %lld us (want 20000)", (unsigned)nev, (long long)(rend - rstart) / 1000);
  }

  // Several clocks: the earliest fires; none fires before its time.
  s[0] = clock_sub(100, __WASI_CLOCKID_MONOTONIC, 60 * MS, 0);
  s[1] = clock_sub(101, __WASI_CLOCKID_MONOTONIC, 15 * MS, 0);
  s[2] = clock_sub(102, __WASI_CLOCKID_MONOTONIC, 40 * MS, 0);
  if (expect_ok("poll_oneoff_several_clocks", poll(s, 3))) {
    check("poll_oneoff_several_clocks_sane", events_sane(s, 3), "%u events with unknown userdata", (unsigned)nev);
    check("poll_oneoff_several_clocks_earliest", event_for(101) != NULL && elapsed + SLACK >= 15 * MS, "101 missing or early");
    check("poll_oneoff_several_clocks_none_early", (!event_for(100) || elapsed + SLACK >= 60 * MS) && (!event_for(102) || elapsed + SLACK >= 40 * MS),
          "a later clock fired after only %llu us", (unsigned long long)(elapsed / 1000));
  }
  // 64 clocks, 1..64 ms, in scrambled order.
  for (int i = 0; i < 64; i++) s[i] = clock_sub(1000 + i, __WASI_CLOCKID_MONOTONIC, (uint64_t)((i * 37) % 64 + 1) * MS, 0);
  if (expect_ok("poll_oneoff_64_clocks", poll(s, 64))) {
    int early = 0;
    for (__wasi_size_t i = 0; i < nev; i++) {
      uint64_t k = ev[i].userdata - 1000;
      if (k < 64 && ((k * 37) % 64 + 1) * MS > elapsed + SLACK) early++;
    }
    check("poll_oneoff_64_clocks_fires_first", nev >= 1 && events_sane(s, 64) && event_for(1000 + 0) != NULL, "the 1 ms clock (index 0) did not fire");
    check("poll_oneoff_64_clocks_none_early", early == 0, "%d clocks fired early", early);
  }
  // A clock the host does not know: the call or the event reports EINVAL.
  s[0] = clock_sub(12, 99, 1 * MS, 0);
  __wasi_errno_t e = poll(s, 1);
  check("poll_oneoff_unknown_clock", e == __WASI_ERRNO_INVAL || (e == 0 && nev == 1 && ev[0].userdata == 12 && ev[0].error == __WASI_ERRNO_INVAL),
        "errno %d, %u events, event error %d", e, (unsigned)nev, nev ? ev[0].error : -1);
}

static void fds(void) {
  __wasi_subscription_t s[8];
  __wasi_fd_t file;
  __wasi_rights_t r = __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_POLL_FD_READWRITE | __WASI_RIGHTS_FD_SEEK;
  if (!expect_ok("path_open_poll_file", __wasi_path_open(ROOT, 0, "poll.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, r, r, 0, &file))) return;
  __wasi_ciovec_t iov = {(const uint8_t *)"data", 4};
  __wasi_size_t n;
  __wasi_filesize_t pos;
  if (__wasi_fd_write(file, &iov, 1, &n) || __wasi_fd_seek(file, 0, __WASI_WHENCE_SET, &pos)) printf("# setup write failed\n");

  // Regular files are always ready; a long clock beside them must not fire.
  s[0] = fd_sub(20, __WASI_EVENTTYPE_FD_READ, file);
  s[1] = clock_sub(21, __WASI_CLOCKID_MONOTONIC, 5000 * MS, 0);
  if (expect_ok("poll_oneoff_file_read", poll(s, 2))) {
    __wasi_event_t *e = event_for(20);
    check("poll_oneoff_file_read_ready", e && e->type == __WASI_EVENTTYPE_FD_READ && e->error == 0 && !event_for(21) && elapsed < 2000 * MS,
          "%u events after %llu ms", (unsigned)nev, (unsigned long long)(elapsed / MS));
  }
  s[0] = fd_sub(22, __WASI_EVENTTYPE_FD_WRITE, file);
  if (expect_ok("poll_oneoff_file_write", poll(s, 2))) {
    __wasi_event_t *e = event_for(22);
    check("poll_oneoff_file_write_ready", e && e->type == __WASI_EVENTTYPE_FD_WRITE && e->error == 0 && !event_for(21) && elapsed < 2000 * MS,
          "%u events after %llu ms", (unsigned)nev, (unsigned long long)(elapsed / MS));
  }
  s[0] = fd_sub(23, __WASI_EVENTTYPE_FD_WRITE, 1);
  if (expect_ok("poll_oneoff_stdout_write", poll(s, 2))) {
    __wasi_event_t *e = event_for(23);
    check("poll_oneoff_stdout_write_ready", e && e->type == __WASI_EVENTTYPE_FD_WRITE && e->error == 0 && !event_for(21), "%u events", (unsigned)nev);
  }

  // Several fds and a clock at once: every ready fd is reported, the clock is not.
  s[0] = fd_sub(30, __WASI_EVENTTYPE_FD_READ, file);
  s[1] = fd_sub(31, __WASI_EVENTTYPE_FD_WRITE, file);
  s[2] = fd_sub(32, __WASI_EVENTTYPE_FD_WRITE, 1);
  s[3] = fd_sub(33, __WASI_EVENTTYPE_FD_WRITE, 2);
  s[4] = clock_sub(34, __WASI_CLOCKID_MONOTONIC, 10000 * MS, 0);
  if (expect_ok("poll_oneoff_mixed", poll(s, 5))) {
    check("poll_oneoff_mixed_sane", events_sane(s, 5), "events not matching the subscriptions");
    check("poll_oneoff_mixed_reports_all_ready", event_for(30) && event_for(31) && event_for(32) && event_for(33), "%u of 4 ready fds reported",
          (unsigned)nev);
    check("poll_oneoff_mixed_no_clock", !event_for(34) && elapsed < 5000 * MS, "the 10 s clock fired or the call waited");
  }

  // stdin with data waiting: ready before the clock; then at EOF still ready.
  s[0] = fd_sub(40, __WASI_EVENTTYPE_FD_READ, 0);
  s[1] = clock_sub(41, __WASI_CLOCKID_MONOTONIC, 5000 * MS, 0);
  if (expect_ok("poll_oneoff_stdin", poll(s, 2))) {
    __wasi_event_t *e = event_for(40);
    check("poll_oneoff_stdin_ready", e && e->error == 0 && e->type == __WASI_EVENTTYPE_FD_READ && elapsed < 4000 * MS,
          "%u events after %llu ms", (unsigned)nev, (unsigned long long)(elapsed / MS));
  }
  char buf[64];
  size_t got = 0;
  for (;;) {
    __wasi_iovec_t in = {(uint8_t *)buf + got, sizeof buf - got};
    if (__wasi_fd_read(0, &in, 1, &n) || n == 0) break;
    got += n;
  }
  expect_str("poll_oneoff_stdin_then_read", buf, got, "poll-stdin\n");
  if (expect_ok("poll_oneoff_stdin_at_eof", poll(s, 2)))
    check("poll_oneoff_stdin_eof_ready", event_for(40) && !event_for(41) && elapsed < 4000 * MS, "EOF did not count as readable");

  // A bad fd: the whole call fails with EBADF (wasmtime), or its event carries EBADF.
  s[0] = fd_sub(50, __WASI_EVENTTYPE_FD_READ, 1234);
  s[1] = clock_sub(51, __WASI_CLOCKID_MONOTONIC, 1 * MS, 0);
  __wasi_errno_t e = poll(s, 2);
  __wasi_event_t *bad = e == 0 ? event_for(50) : NULL;
  check("poll_oneoff_bad_fd", e == __WASI_ERRNO_BADF || (bad && bad->error == __WASI_ERRNO_BADF), "errno %d, event error %d", e, bad ? bad->error : -1);
  (void)__wasi_fd_close(file);
  s[0] = fd_sub(52, __WASI_EVENTTYPE_FD_WRITE, file);
  e = poll(s, 2);
  bad = e == 0 ? event_for(52) : NULL;
  check("poll_oneoff_closed_fd", e == __WASI_ERRNO_BADF || (bad && bad->error == __WASI_ERRNO_BADF), "errno %d, event error %d", e, bad ? bad->error : -1);
}

int main(void) {
  clocks();
  fds();
  int ok = 1;
  for (int i = 0; i < 1000; i++) ok &= __wasi_sched_yield() == 0;
  check("sched_yield_many", ok, "sched_yield failed");
  return done();
}
