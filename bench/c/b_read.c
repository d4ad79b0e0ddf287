// Reads the file argv[1] (- for stdin) to its end in argv[2]-byte reads; prints the byte count.
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
int main(int argc, char **argv) {
  size_t chunk = argc > 2 ? (size_t)atol(argv[2]) : 1 << 20;
  int fd = argc > 1 && strcmp(argv[1], "-") ? open(argv[1], O_RDONLY) : 0;
  if (fd < 0) return 1;
  char *buf = malloc(chunk);
  long long total = 0;
  ssize_t n;
  while ((n = read(fd, buf, chunk)) > 0) total += n;
  printf("%lld\n", total);
  return n < 0;
}
