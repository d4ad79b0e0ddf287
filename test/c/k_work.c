// A deterministic amount of computation: prints a checksum over argv[1] rounds.
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv) {
  unsigned long n = argc > 1 ? strtoul(argv[1], 0, 10) : 1000, h = 2166136261u;
  for (unsigned long i = 0; i < n; i++) h = (h ^ (i & 0xff)) * 16777619u;
  printf("%lu\n", h);
  return 0;
}
