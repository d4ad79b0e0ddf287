// proc_exit and proc_raise. argv[1] picks the mode; the runner checks the exit
// status and output of each:
//   exit N     print "ok before_exit", proc_exit(N); nothing after it runs
//   return N   return N from main (wasi-libc calls proc_exit)
//   nested N   proc_exit(N) from inside a qsort comparator, deep in libc
//   output N   256 KiB through raw fd_write, then proc_exit(N): all of it arrives
//   trap       an unreachable instruction: a non-zero status, not a host signal
//   raise      proc_raise checks, reported as usual (exit 0)
#include "check.h"

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
