// The other app, confined to the same box: renames the directory the first one
// holds away and back, and tries to plant a symlink out of the box in its place.
//   race_swap BOX N    prints "swaps S planted P"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 3) return 2;
  int n = atoi(argv[2]), swaps = 0, planted = 0;
  char d[256], d2[256];
  snprintf(d, sizeof d, "%s/d", argv[1]);
  snprintf(d2, sizeof d2, "%s/d2", argv[1]);
  for (int i = 0; i < n; i++) {
    if (rename(d, d2) == 0) {
      swaps++;
      if (symlink("../outside", d) == 0) { planted++; unlink(d); }
      if (symlink("/etc", d) == 0) { planted++; unlink(d); }
      rename(d2, d);
    }
  }
  printf("swaps %d planted %d\n", swaps, planted);
  return 0;
}
