// The check prelude every wasi_*.c and escape_*.c guest includes.
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
