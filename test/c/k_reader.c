// Reads stdin to the end in small reads, sleeping argv[1] microseconds between reads,
// checks the pattern k_writer makes, and prints "read N bytes ok" (or where it broke).
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
  long us = argc > 1 ? atol(argv[1]) : 0;
  size_t chunk = argc > 2 ? (size_t)atol(argv[2]) : 4096;
  unsigned char *buf = malloc(chunk);
  long long total = 0;
  for (;;) {
    ssize_t n = read(0, buf, chunk);
    if (n < 0) { perror("read"); return 1; }
    if (n == 0) break;
    for (ssize_t i = 0; i < n; i++) {
      long long at = total + i;
      if (buf[i] != (unsigned char)((at % 65536) * 7 + 1)) { printf("bad byte at %lld\n", at); return 2; }
    }
    total += n;
    if (us) { struct timespec ts = { us / 1000000, (us % 1000000) * 1000 }; nanosleep(&ts, 0); }
  }
  printf("read %lld bytes ok\n", total);
  return 0;
}
