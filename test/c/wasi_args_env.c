// args_get, args_sizes_get, environ_get, environ_sizes_get.
// Run as `wasi_args_env.wasm alpha "two words" "" ünï --flag=x` with exactly
// --env FOO=bar --env EMPTY= --env EQ=a=b --env UTF=ü, or with no arguments and no
// --env at all ("bare"): the guest must see exactly what it was given, nothing ambient.
#include "check.h"

static const char *want_args[] = {"alpha", "two words", "", "\xc3\xbcn\xc3\xaf", "--flag=x"};
static const char *want_env[] = {"FOO=bar", "EMPTY=", "EQ=a=b", "UTF=\xc3\xbc"};
#define NARGS (sizeof want_args / sizeof *want_args)
#define NENV (sizeof want_env / sizeof *want_env)
#define CANARY 0x5a

// Fetches a vector with the given pair of calls and checks its layout: the
// pointers are consecutive NUL-terminated strings packed into the buffer, whose
// size the sizes call reported exactly. Returns the vector (NULL on failure).
typedef __wasi_errno_t (*sizes_fn)(__wasi_size_t *, __wasi_size_t *);
typedef __wasi_errno_t (*get_fn)(uint8_t **, uint8_t *);
static char **fetch(const char *what, sizes_fn sizes, get_fn get, __wasi_size_t *count) {
  char name[64];
  __wasi_size_t n = 0, bytes = 0;
  snprintf(name, sizeof name, "%s_sizes_get", what);
  if (!expect_ok(name, sizes(&n, &bytes))) return NULL;
  char **vec = calloc(n + 1, sizeof *vec);
  char *buf = malloc(bytes + 8);
  memset(buf, CANARY, bytes + 8);
  vec[n] = (char *)&vec; // must stay: the host writes exactly n pointers
  snprintf(name, sizeof name, "%s_get", what);
  if (!expect_ok(name, get((uint8_t **)vec, (uint8_t *)buf))) return NULL;
  int packed = 1;
  char *p = buf;
  for (__wasi_size_t i = 0; i < n; i++) {
    if (vec[i] != p) { packed = 0; break; }
    p += strlen(p) + 1;
  }
  snprintf(name, sizeof name, "%s_get_packed_in_buffer", what);
  check(name, packed && p == buf + bytes, "strings are not packed back to back in the %u-byte buffer", (unsigned)bytes);
  snprintf(name, sizeof name, "%s_get_no_overrun", what);
  check(name, (unsigned char)buf[bytes] == CANARY && vec[n] == (char *)&vec, "wrote past the reported sizes");
  *count = n;
  return vec;
}

static void full(int argc, char **argv) {
  __wasi_size_t n = 0;
  char **args = fetch("args", __wasi_args_sizes_get, __wasi_args_get, &n);
  expect_u64("args_sizes_get_count", n, 1 + NARGS);
  if (args && n == 1 + NARGS) {
    check("args_get_program_name", args[0] != NULL && args[0][0] != 0, "argv[0] is empty");
    for (size_t i = 0; i < NARGS; i++) {
      char name[48];
      snprintf(name, sizeof name, "args_get_arg%zu", i + 1);
      expect_str(name, args[i + 1], strlen(args[i + 1]), want_args[i]);
    }
    // Sizes count UTF-8 bytes, not UTF-16 units or code points.
    expect_u64("args_get_utf8_byte_length", strlen(args[4]), 5);
  }
  check("libc_main_argc", argc == (int)(1 + NARGS), "argc %d", argc);
  check("libc_main_argv", argc == (int)(1 + NARGS) && strcmp(argv[2], "two words") == 0 && argv[3][0] == 0 && argv[argc] == NULL,
        "argv differs");

  char **env = fetch("environ", __wasi_environ_sizes_get, __wasi_environ_get, &n);
  expect_u64("environ_sizes_get_count_exact", n, NENV);
  if (env) {
    // The order is not specified; each wanted entry appears exactly once.
    for (size_t i = 0; i < NENV; i++) {
      int times = 0;
      for (__wasi_size_t j = 0; j < n; j++) times += strcmp(env[j], want_env[i]) == 0;
      char name[48];
      snprintf(name, sizeof name, "environ_get_entry%zu", i + 1);
      check(name, times == 1, "\"%s\" appears %d times", want_env[i], times);
    }
  }
  const char *foo = getenv("FOO"), *eq = getenv("EQ"), *empty = getenv("EMPTY");
  check("libc_getenv_value", foo && strcmp(foo, "bar") == 0, "FOO=%s", foo ? foo : "(unset)");
  check("libc_getenv_value_with_equals", eq && strcmp(eq, "a=b") == 0, "EQ=%s", eq ? eq : "(unset)");
  check("libc_getenv_empty_value", empty && empty[0] == 0, "EMPTY=%s", empty ? empty : "(unset)");
  check("libc_getenv_no_host_path", getenv("PATH") == NULL, "PATH leaked in: %s", getenv("PATH"));
  check("libc_getenv_no_host_home", getenv("HOME") == NULL, "HOME leaked in: %s", getenv("HOME"));
}

static void bare(int argc) {
  __wasi_size_t n = 99, bytes = 99;
  expect_ok("bare_args_sizes_get", __wasi_args_sizes_get(&n, &bytes));
  expect_u64("bare_args_count_is_program_only", n, 1);
  check("libc_bare_argc", argc == 1, "argc %d", argc);
  n = 99, bytes = 99;
  expect_ok("bare_environ_sizes_get", __wasi_environ_sizes_get(&n, &bytes));
  expect_u64("bare_environ_count_zero", n, 0);
  expect_u64("bare_environ_bytes_zero", bytes, 0);
  // environ_get with nothing to write must succeed and touch nothing.
  uint8_t *vec[1] = {(uint8_t *)vec};
  uint8_t buf[1] = {CANARY};
  expect_ok("bare_environ_get", __wasi_environ_get(vec, buf));
  check("bare_environ_get_writes_nothing", vec[0] == (uint8_t *)vec && buf[0] == CANARY, "wrote into empty vectors");
}

int main(int argc, char **argv) {
  if (argc == 1) bare(argc);
  else full(argc, argv);
  return done();
}
