/* Lua's configuration for wasm32-wasi under Goblin, included before every Lua source
 * file (clang -include). Lua is built as plain ISO C (no LUA_USE_POSIX: no popen,
 * no dlopen, no _setjmp) plus the few overrides below, each for something WASI
 * preview 1 or wasi-libc lacks.
 *
 * From wasi-libc's own emulations (switched on by build.sh's -D flags and libraries):
 *   - clock() for os.clock, from the process CPU-time clock;
 *   - signal() for lua.c's SIGINT handler, which is installed but never runs: a WASI
 *     program gets no signals, so Ctrl-C cannot interrupt a running chunk.
 * Compiled out here, because WASI has no processes and wasi-libc no temporary files:
 *   - os.execute(cmd) fails ("Function not implemented"); os.execute() says there is
 *     no shell (false). io.popen already fails without LUA_USE_POSIX.
 *   - io.tmpfile() returns nil, "Not supported"; os.tmpname() raises an error. */
#ifndef GOBLIN_LUA_WASI_H
#define GOBLIN_LUA_WASI_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline int goblin_lua_system(const char *cmd) {
  if (cmd == NULL) return 0; /* no shell */
  errno = ENOSYS;
  return -1;
}
#define system goblin_lua_system

static inline FILE *goblin_lua_tmpfile(void) {
  errno = ENOTSUP;
  return NULL;
}
#define tmpfile goblin_lua_tmpfile

#define LUA_TMPNAMBUFSIZE 1
#define lua_tmpnam(b, e) { (void)(b); errno = ENOTSUP; e = 1; }

/* lua.c reads a script from stdin when it is not a terminal (`echo ... | lua`);
 * ISO C has no way to tell, so Lua would otherwise assume a terminal. */
#define lua_stdin_is_tty() isatty(0)

#endif
