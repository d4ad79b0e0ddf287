// clock_res_get, clock_time_get, random_get, sched_yield.
#include "check.h"
#include <time.h>

#define SEC 1000000000ull

static void clocks(void) {
  __wasi_timestamp_t res = 0, t0 = 0, t1 = 0;

  if (expect_ok("clock_res_get_realtime", __wasi_clock_res_get(__WASI_CLOCKID_REALTIME, &res)))
    check("clock_res_get_realtime_range", res > 0 && res <= SEC, "resolution %llu ns", (unsigned long long)res);
  if (expect_ok("clock_res_get_monotonic", __wasi_clock_res_get(__WASI_CLOCKID_MONOTONIC, &res)))
    check("clock_res_get_monotonic_range", res > 0 && res <= SEC, "resolution %llu ns", (unsigned long long)res);
  // The CPU-time clocks may be unsupported (wasmtime answers EBADF); they must not trap.
  __wasi_errno_t e = __wasi_clock_res_get(__WASI_CLOCKID_PROCESS_CPUTIME_ID, &res);
  ERR("clock_res_get_process_cputime_ok_or_unsupported", e, 0, __WASI_ERRNO_BADF, __WASI_ERRNO_NOTSUP, __WASI_ERRNO_INVAL);
  e = __wasi_clock_time_get(__WASI_CLOCKID_THREAD_CPUTIME_ID, 0, &t0);
  ERR("clock_time_get_thread_cputime_ok_or_unsupported", e, 0, __WASI_ERRNO_BADF, __WASI_ERRNO_NOTSUP, __WASI_ERRNO_INVAL);
  // A clock id outside the enum is an invalid argument.
  ERR("clock_res_get_unknown_clock", __wasi_clock_res_get(4, &res), __WASI_ERRNO_INVAL);
  ERR("clock_res_get_huge_clock_id", __wasi_clock_res_get(0x7fffffff, &res), __WASI_ERRNO_INVAL);
  ERR("clock_time_get_unknown_clock", __wasi_clock_time_get(99, 1, &t0), __WASI_ERRNO_INVAL);

  if (expect_ok("clock_time_get_realtime", __wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &t0))) {
    // Between 2020-01-01 and 2100-01-01.
    check("clock_time_get_realtime_plausible", t0 > 1577836800ull * SEC && t0 < 4102444800ull * SEC, "realtime %llu", (unsigned long long)t0);
    time_t libc = time(NULL);
    long long diff = (long long)libc - (long long)(t0 / SEC);
    check("libc_time_matches_realtime", diff >= -2 && diff <= 2, "time() %lld vs clock %llu s", (long long)libc, (unsigned long long)(t0 / SEC));
  }
  // The precision argument is a hint; any value is accepted.
  expect_ok("clock_time_get_any_precision", __wasi_clock_time_get(__WASI_CLOCKID_REALTIME, UINT64_MAX, &t1));

  if (expect_ok("clock_time_get_monotonic", __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 0, &t0))) {
    int backwards = 0;
    __wasi_timestamp_t prev = t0;
    for (int i = 0; i < 2000; i++) {
      if (__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 0, &t1) != 0 || t1 < prev) backwards++;
      prev = t1;
    }
    check("clock_time_get_monotonic_never_decreases", backwards == 0, "%d reads went backwards", backwards);
    // Busy for a while: the monotonic clock must advance.
    static volatile uint64_t sink;
    for (int i = 0; i < 3000000; i++) sink = sink + (uint64_t)i;
    (void)sink;
    e = __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 0, &t1);
    check("clock_time_get_monotonic_advances", e == 0 && t1 > t0, "start %llu end %llu", (unsigned long long)t0, (unsigned long long)t1);
  }
  struct timespec ts;
  check("libc_clock_gettime_monotonic", clock_gettime(CLOCK_MONOTONIC, &ts) == 0 && (ts.tv_sec > 0 || ts.tv_nsec > 0), "clock_gettime failed");
}

static void randomness(void) {
  uint8_t a[64], b[64];
  memset(a, 0, sizeof a);
  memset(b, 0, sizeof b);
  expect_ok("random_get", __wasi_random_get(a, sizeof a));
  expect_ok("random_get_again", __wasi_random_get(b, sizeof b));
  int zero = 1;
  for (size_t i = 0; i < sizeof a; i++) zero &= a[i] == 0;
  check("random_get_fills_buffer", !zero, "64 zero bytes");
  check("random_get_differs_between_calls", memcmp(a, b, sizeof a) != 0, "two calls gave the same 64 bytes");

  // Exactly buf_len bytes are written, at any alignment.
  uint8_t guard[16];
  memset(guard, 0xa5, sizeof guard);
  expect_ok("random_get_unaligned", __wasi_random_get(guard + 3, 7));
  check("random_get_writes_exactly_len", guard[2] == 0xa5 && guard[10] == 0xa5, "bytes outside [3,10) changed");
  memset(guard, 0xa5, sizeof guard);
  expect_ok("random_get_zero_length", __wasi_random_get(guard, 0));
  int untouched = 1;
  for (size_t i = 0; i < sizeof guard; i++) untouched &= guard[i] == 0xa5;
  check("random_get_zero_length_writes_nothing", untouched, "buffer changed");

  // A large request is filled to the end, not just its first chunk.
  size_t big = 1 << 20;
  uint8_t *buf = calloc(big, 1);
  if (expect_ok("random_get_1mib", __wasi_random_get(buf, big))) {
    size_t zeros = 0, tail_zero = 1;
    for (size_t i = 0; i < big; i++) zeros += buf[i] == 0;
    for (size_t i = big - 4096; i < big; i++) tail_zero &= buf[i] == 0;
    check("random_get_1mib_tail_filled", !tail_zero, "last 4 KiB are zero");
    check("random_get_1mib_looks_random", zeros < big / 64, "%zu zero bytes of %zu", zeros, big);
  }
  free(buf);
}

int main(void) {
  clocks();
  randomness();
  int ok = 1;
  for (int i = 0; i < 100; i++) ok &= __wasi_sched_yield() == 0;
  check("sched_yield", ok, "sched_yield failed");
  return done();
}
