// Reads a word from stdin, then looks through all of its memory for another copy of it.
#include <stdio.h>
#include <string.h>
#include <unistd.h>
static char c[16];
int main(void) {
  ssize_t n = read(0, c, sizeof c - 1);
  if (n <= 0) return 2;
  unsigned long size = __builtin_wasm_memory_size(0) * 65536ul;
  for (unsigned long i = 1024; i + n < size; i++)
    if ((char *)i != c && memcmp((char *)i, c, n) == 0) { printf("found at %lu\n", i); return 1; }
  printf("clean\n");
  return 0;
}
