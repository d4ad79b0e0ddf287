// Holds a directory open and hammers opens and creates through it, while someone
// else swaps that directory for a symlink leading out and back again.
//   race_held DIR N    opens DIR, prints "ready", waits for a line, then prints
//                      "tries N inside I outside O errors E"
// inside: f read with the content it has inside; outside: a read that returned
// a secret planted outside the box (must stay 0).
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int slurp(int dfd, const char *name, char *buf, int len) {
  int fd = openat(dfd, name, O_RDONLY);
  if (fd < 0) return -1;
  int n = read(fd, buf, len - 1);
  close(fd);
  if (n < 0) return -1;
  buf[n] = 0;
  return n;
}

int main(int argc, char **argv) {
  if (argc < 3) return 2;
  int n = atoi(argv[2]);
  int dfd = open(argv[1], O_RDONLY | O_DIRECTORY);
  if (dfd < 0) { perror("open dir"); return 1; }
  // held: now the others may start swapping; go when told
  printf("ready\n");
  fflush(stdout);
  if (getchar() == EOF) return 1;
  int inside = 0, outside = 0, errors = 0;
  char buf[256];
  for (int i = 0; i < n; i++) {
    if (slurp(dfd, "f", buf, sizeof buf) > 0) {
      if (strstr(buf, "SECRET")) outside++;
      else if (strncmp(buf, "inside", 6) == 0) inside++;
    } else errors++;
    if (slurp(dfd, "secret", buf, sizeof buf) > 0 && strstr(buf, "SECRET")) outside++;
    if (i % 50 == 0) {
      int fd = openat(dfd, "made", O_CREAT | O_WRONLY, 0644);
      if (fd >= 0) close(fd);
      fd = openat(dfd, "sub/../made2", O_CREAT | O_WRONLY, 0644);
      if (fd >= 0) close(fd);
    }
  }
  printf("tries %d inside %d outside %d errors %d\n", n, inside, outside, errors);
  return 0;
}
