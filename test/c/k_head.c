// Reads argv[1] bytes of stdin, prints how many, and exits (closing the pipe early).
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv) {
  long long want = argc > 1 ? atoll(argv[1]) : 1, got = 0;
  char buf[4096];
  while (got < want) {
    ssize_t n = read(0, buf, sizeof buf < (size_t)(want - got) ? sizeof buf : (size_t)(want - got));
    if (n <= 0) break;
    got += n;
  }
  printf("head got %lld\n", got);
  return 0;
}
