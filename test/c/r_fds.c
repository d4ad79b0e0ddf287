// Opens files until refused: a VM holds at most so many descriptors (EMFILE).
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
int main(void) {
  int n = 0;
  while (open("/dev/null", O_RDONLY) >= 0) n++;
  printf("opened %d then %s\n", n, errno == EMFILE ? "EMFILE" : strerror(errno));
  return 0;
}
