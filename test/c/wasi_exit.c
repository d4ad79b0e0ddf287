// proc_exit and proc_raise. argv[1] picks the mode; the runner checks the exit
// status and output of each:
//   exit N     print "ok before_exit", proc_exit(N); nothing after it runs
//   return N   return N from main (wasi-libc calls proc_exit)
//   nested N   proc_exit(N) from inside a qsort comparator, deep in libc
//   output N   256 KiB through raw fd_write, then proc_exit(N): all of it arrives
//   trap       an unreachable instruction: a non-zero status, not a host signal
//   raise      proc_raise checks, reported as usual (exit 0)
// ---- check prelude: the same in every wasi_*.c and escape_*.c guest ----
// One line per check: "ok NAME" or "FAIL NAME: why"; errnos print as "errno N" and
// the runner (test/lib/wasi-expect.ts) names them. done() prints the summary.
#include <wasi/api.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int nchecks, nfailed;

__attribute__((constructor)) static void line_buffered(void) { setvbuf(stdout, NULL, _IOLBF, 0); }

__attribute__((format(printf, 3, 4)))
static int check(const char *name, int good, const char *fmt, ...) {
  nchecks++;
  if (good) { printf("ok %s\n", name); return 1; }
  nfailed++;
  printf("FAIL %s: ", name);
  va_list ap;
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  putchar('\n');
  return 0;
}

// got must be one of the errnos listed (terminated by -1); use the ERR macro.
__attribute__((unused)) static int expect_errno(const char *name, int got, ...) {
  char want[160] = "";
  int good = 0;
  va_list ap;
  va_start(ap, got);
  for (int e; (e = va_arg(ap, int)) != -1;) {
    size_t n = strlen(want);
    snprintf(want + n, sizeof want - n, "%serrno %d", n ? " or " : "", e);
    if (e == got) good = 1;
  }
  va_end(ap);
  char gotbuf[24] = "success";
  if (got) snprintf(gotbuf, sizeof gotbuf, "errno %d", got);
  return check(name, good, "got %s want %s", gotbuf, want);
}
#define ERR(name, call, ...) expect_errno(name, (call), __VA_ARGS__, -1)

__attribute__((unused)) static int expect_ok(const char *name, int got) {
  return check(name, got == 0, "got errno %d want success", got);
}

__attribute__((unused)) static int expect_u64(const char *name, uint64_t got, uint64_t want) {
  return check(name, got == want, "got %llu want %llu", (unsigned long long)got, (unsigned long long)want);
}

__attribute__((unused)) static int expect_str(const char *name, const char *got, size_t got_len, const char *want) {
  size_t wl = strlen(want);
  return check(name, got_len == wl && memcmp(got, want, wl) == 0, "got \"%.*s\" want \"%s\"", (int)got_len, got, want);
}

// The runner may name checks to skip in GOBLIN_TEST_SKIP ("a,b"): calls known to
// hang or crash a reference runtime. A skipped check is reported as failed.
__attribute__((unused)) static int skip(const char *name) {
  const char *list = getenv("GOBLIN_TEST_SKIP");
  size_t n = strlen(name);
  for (const char *p = list; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : "") {
    if (strncmp(p, name, n) == 0 && (p[n] == ',' || p[n] == 0)) return !check(name, 0, "skipped: the runner said this call crashes it");
  }
  return 0;
}

static int done(void) {
  printf("# %d checks, %d failed\n", nchecks, nfailed);
  fflush(stdout);
  return nfailed ? 1 : 0;
}
// ---- end of check prelude ----

// wasi-libc no longer declares proc_raise; it is still part of preview 1.
__attribute__((__import_module__("wasi_snapshot_preview1"), __import_name__("proc_raise")))
int32_t raw_proc_raise(int32_t sig);
#define SIGNAL_TERM 15

static int code;

static int exit_in_compare(const void *a, const void *b) {
  (void)a, (void)b;
  __wasi_proc_exit(code);
}

static void raise_checks(void) {
  // wasmtime answers ENOTSUP; a sandbox must not deliver the signal to its host.
  ERR("proc_raise_term_unsupported", raw_proc_raise(SIGNAL_TERM), __WASI_ERRNO_NOTSUP, __WASI_ERRNO_NOSYS);
  check("proc_raise_returns_to_caller", 1, "");
  // wasmtime checks the enum first (EINVAL); an unimplemented call may say so for any argument.
  ERR("proc_raise_unknown_signal_fails", raw_proc_raise(99), __WASI_ERRNO_INVAL, __WASI_ERRNO_NOTSUP, __WASI_ERRNO_NOSYS);
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "";
  code = argc > 2 ? atoi(argv[2]) : 0;
  if (strcmp(mode, "exit") == 0) {
    printf("ok before_exit\n");
    fflush(stdout);
    __wasi_proc_exit(code);
  }
  if (strcmp(mode, "return") == 0) return code;
  if (strcmp(mode, "nested") == 0) {
    int v[8] = {5, 3, 8, 1, 9, 2, 7, 4};
    qsort(v, 8, sizeof *v, exit_in_compare);
  }
  if (strcmp(mode, "output") == 0) {
    static uint8_t chunk[4096];
    for (int i = 0; i < 64; i++) {
      memset(chunk, 'a' + i % 26, sizeof chunk);
      chunk[sizeof chunk - 1] = '\n';
      size_t off = 0;
      while (off < sizeof chunk) {
        __wasi_ciovec_t iov = {chunk + off, sizeof chunk - off};
        __wasi_size_t n = 0;
        if (__wasi_fd_write(1, &iov, 1, &n) || n == 0) __wasi_proc_exit(99);
        off += n;
      }
    }
    __wasi_proc_exit(code);
  }
  if (strcmp(mode, "trap") == 0) {
    printf("ok before_trap\n");
    fflush(stdout);
    __builtin_trap();
  }
  if (strcmp(mode, "raise") == 0) {
    raise_checks();
    return done();
  }
  printf("FAIL after_exit: mode \"%s\" kept running\n", mode);
  fflush(stdout);
  return 100;
}
