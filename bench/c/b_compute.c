// A compute-heavy kernel: a sieve and a hash mix, argv[1] rounds.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 20;
  enum { N = 2000000 };
  static unsigned char comp[N];
  unsigned long long h = 1469598103934665603ull; unsigned long primes = 0;
  for (int r = 0; r < rounds; r++) {
    memset(comp, 0, N);
    for (long i = 2; i < N; i++) {
      if (comp[i]) continue;
      primes++;
      h = (h ^ (unsigned long long)i) * 1099511628211ull;
      for (long j = i * i; j < N; j += i) comp[j] = 1;
    }
  }
  printf("%lu %llu\n", primes, h);
  return 0;
}
