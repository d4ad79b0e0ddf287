// A spawn bomb: the program starts itself through goblin.spawn, again and again.
//   bomb forever PROG     every VM spawns PROG forever, whether it works or not
//   bomb deep PROG D MB   each level takes MB MiB, then spawns level D+1; the first
//                         refusal prints "refused at depth D errno E" and all return 0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
__attribute__((import_module("goblin"), import_name("spawn"))) int goblin_spawn(const char *argv, size_t len);

static char *volatile kept;

static int spawn(const char *prog, const char *mode, int depth, int mb) {
  char cmd[256];
  int n = snprintf(cmd, sizeof cmd, "%s%c%s%c%s%c%d%c%d", prog, 0, "bomb", 0, mode, 0, depth, 0, mb) + 1;
  // argv: PROG bomb MODE DEPTH MB (argv[0] is the program, argv[1] unused)
  return goblin_spawn(cmd, n);
}

int main(int argc, char **argv) {
  // as started by the test: bomb MODE PROG [D MB]; as a child: PROG bomb MODE D MB
  const char *mode = argc > 2 && !strcmp(argv[1], "bomb") ? argv[2] : argv[1];
  const char *prog = argc > 2 && !strcmp(argv[1], "bomb") ? argv[0] : argv[2];
  int depth = argc > 3 ? atoi(argv[3]) : 0, mb = argc > 4 ? atoi(argv[4]) : 0;
  if (!strcmp(mode, "forever")) for (;;) spawn(prog, "forever", depth + 1, 0);
  if (mb) {
    char *p = malloc((size_t)mb << 20);
    if (!p) { printf("no memory at depth %d\n", depth); return 0; }
    memset(p, 1, (size_t)mb << 20);
    kept = p; // the memory stays in use while the children run
  }
  int r = spawn(prog, "deep", depth + 1, mb);
  if (r < 0) printf("refused at depth %d errno %d\n", depth + 1, -r);
  return 0;
}
