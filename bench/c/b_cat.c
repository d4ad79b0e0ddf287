// Copies the file argv[1] (- for stdin) to stdout in argv[2]-byte pieces (default 128 KiB, as GNU cat).
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
int main(int argc, char **argv) {
  size_t chunk = argc > 2 ? (size_t)atol(argv[2]) : 128 << 10;
  int fd = argc > 1 && strcmp(argv[1], "-") ? open(argv[1], O_RDONLY) : 0;
  if (fd < 0) return 1;
  char *buf = malloc(chunk);
  ssize_t n;
  while ((n = read(fd, buf, chunk)) > 0)
    for (ssize_t at = 0; at < n;) {
      ssize_t w = write(1, buf + at, n - at);
      if (w <= 0) return 2;
      at += w;
    }
  return n < 0;
}
