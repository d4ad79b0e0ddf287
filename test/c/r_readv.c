// readv over a pipe: the first iovec is filled, the call returns without starting a
// read it would not wait for; the next read gets the rest. Prints what each saw.
#include <stdio.h>
#include <sys/uio.h>
#include <unistd.h>
static char a[5], b[100], c[100];
int main(void) {
  struct iovec iov[2] = {{a, 5}, {b, 100}};
  ssize_t n = readv(0, iov, 2);
  ssize_t m = read(0, c, 100);
  printf("readv %zd '%.5s' read %zd '%.*s'\n", n, a, m, (int)(m > 0 ? m : 0), c);
  return 0;
}
