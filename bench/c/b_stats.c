// argv[2] stats of the path argv[1].
#include <stdlib.h>
#include <sys/stat.h>
int main(int argc, char **argv) {
  long n = argc > 2 ? atol(argv[2]) : 100000;
  struct stat st;
  for (long i = 0; i < n; i++) if (stat(argv[1], &st)) return 1;
  return 0;
}
