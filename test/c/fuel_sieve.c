// Compute-heavy guest for fuel tests and bench/fuel.ts: sieves primes up to N, ROUNDS
// times, and folds the sieve into an FNV-1a hash. Output: "primes up to N: COUNT, hash H".
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned char *flags;

__attribute__((noinline)) static unsigned sieve(unsigned n) {
  memset(flags, 1, n + 1);
  flags[0] = flags[1] = 0;
  for (unsigned i = 2; (uint64_t)i * i <= n; i++)
    if (flags[i])
      for (unsigned j = i * i; j <= n; j += i) flags[j] = 0;
  unsigned count = 0;
  for (unsigned i = 0; i <= n; i++) count += flags[i];
  return count;
}

__attribute__((noinline)) static uint32_t fnv(const unsigned char *p, unsigned n, uint32_t h) {
  for (unsigned i = 0; i < n; i++) h = (h ^ p[i]) * 16777619u;
  return h;
}

int main(int argc, char **argv) {
  unsigned n = argc > 1 ? (unsigned)strtoul(argv[1], 0, 10) : 100000;
  unsigned rounds = argc > 2 ? (unsigned)strtoul(argv[2], 0, 10) : 1;
  flags = malloc(n + 1);
  if (!flags) return 1;
  uint32_t h = 2166136261u;
  unsigned count = 0;
  for (unsigned r = 0; r < rounds; r++) {
    count = sieve(n);
    h = fnv(flags, n + 1, h);
  }
  printf("primes up to %u: %u, hash %08x\n", n, count, h);
  return 0;
}
