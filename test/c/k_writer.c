// Writes N bytes (argv[1]) of a known pattern to stdout; with "forever", never stops.
// On EPIPE it prints "EPIPE after N bytes" to stderr and exits 3.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
  int forever = argc > 1 && !strcmp(argv[1], "forever");
  long long total = forever ? -1 : (argc > 1 ? atoll(argv[1]) : 0), sent = 0;
  static unsigned char buf[65536];
  for (size_t i = 0; i < sizeof buf; i++) buf[i] = (unsigned char)(i * 7 + 1);
  while (forever || sent < total) {
    size_t want = sizeof buf;
    if (!forever && total - sent < (long long)want) want = (size_t)(total - sent);
    size_t off = (size_t)(sent % (long long)sizeof buf);
    if (off + want > sizeof buf) want = sizeof buf - off;
    ssize_t n = write(1, buf + off, want);
    if (n < 0) {
      if (errno == EPIPE) { fprintf(stderr, "EPIPE after %lld bytes\n", sent); return 3; }
      perror("write");
      return 1;
    }
    sent += n;
  }
  return 0;
}
