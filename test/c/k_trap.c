// Ways to end badly: trap, stack overflow, unknown import, exit code.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
__attribute__((import_module("env"), import_name("missing"))) int missing(int);
static int deep(int n) { volatile char pad[256]; pad[0] = (char)n; return n ? deep(n + 1) + pad[0] : 0; }
int main(int argc, char **argv) {
  const char *what = argc > 1 ? argv[1] : "";
  if (!strcmp(what, "trap")) __builtin_trap();
  if (!strcmp(what, "stack")) return deep(1);
  if (!strcmp(what, "import")) return missing(1);
  if (!strcmp(what, "exit")) exit(atoi(argv[2]));
  printf("fine\n");
  return 0;
}
