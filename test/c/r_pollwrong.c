// poll for input on a pipe's write end: it never becomes ready, and must not spin.
#include <poll.h>
#include <stdio.h>
int main(void) {
  struct pollfd p = { .fd = 1, .events = POLLIN };
  int r = poll(&p, 1, -1);
  fprintf(stderr, "poll %d\n", r);
  return 0;
}
