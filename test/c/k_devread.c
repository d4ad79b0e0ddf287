// Reads /dev/zero and /dev/random and reports what it saw.
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
int main(void) {
  unsigned char z[8], a[16], b[16];
  int fd = open("/dev/zero", O_RDONLY);
  memset(z, 0xff, sizeof z);
  read(fd, z, sizeof z);
  printf("zero");
  printf(" ");
  for (int i = 0; i < 8; i++) printf("%02x", z[i]);
  printf("\n");
  int r = open("/dev/random", O_RDONLY);
  read(r, a, sizeof a);
  read(r, b, sizeof b);
  printf("random differs %s\n", memcmp(a, b, sizeof a) ? "yes" : "no");
  return 0;
}
