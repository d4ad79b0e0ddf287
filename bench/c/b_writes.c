// argv[1] one-byte writes to /dev/null.
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 1000000;
  int fd = open("/dev/null", O_WRONLY);
  if (fd < 0) return 1;
  for (long i = 0; i < n; i++) if (write(fd, "x", 1) != 1) return 2;
  return 0;
}
