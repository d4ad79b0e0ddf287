// Writes argv[1] MiB of zeros to stdout in 64 KiB writes.
#include <stdlib.h>
#include <unistd.h>
int main(int argc, char **argv) {
  long mib = argc > 1 ? atol(argv[1]) : 1024;
  static char buf[65536];
  for (long i = 0; i < mib * 16; i++) if (write(1, buf, sizeof buf) != sizeof buf) return 1;
  return 0;
}
