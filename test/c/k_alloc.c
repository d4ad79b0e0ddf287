// Allocates 1 MiB blocks until malloc fails; prints how many and exits 7.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
char *volatile kept[8192]; // keeps the compiler from eliding the allocations

int main(void) {
  int n = 0;
  for (;;) {
    char *p = malloc(1 << 20);
    if (!p) { printf("malloc failed after %d MiB\n", n); return 7; }
    memset(p, 1, 1 << 20);
    kept[n] = p;
    n++;
    if (n > 4096) { printf("no limit\n"); return 0; }
  }
}
