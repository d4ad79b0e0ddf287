// goblin.spawn under limits: children share the parent's fuel; "wait" makes the
// child block on stdin so the parent can be killed while it runs.
#include <stdio.h>
#include <string.h>
#include <unistd.h>
__attribute__((import_module("goblin"), import_name("spawn"))) int goblin_spawn(const char *argv, size_t len);
int main(int argc, char **argv) {
  if (argc > 1 && !strcmp(argv[1], "spin")) { volatile long i; for (i = 0; i < 3000000; i++) continue; return 7; }
  if (argc > 1 && !strcmp(argv[1], "wait")) { char c; read(0, &c, 1); printf("child woke\n"); return 0; }
  const char *mode = argc > 1 ? argv[1] : "";
  static char cmd[64];
  int len = snprintf(cmd, sizeof cmd, "/w/prog%c%s", 0, !strcmp(mode, "parent-wait") ? "wait" : "spin") + 1;
  for (int k = 0; k < 5; k++) { printf("child %d exited %d\n", k, goblin_spawn(cmd, len)); fflush(stdout); }
  return 0;
}
