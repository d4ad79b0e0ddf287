// Two binds of one host tree, one inside the other: a rename through one and a
// symlink in its place must not let the other reach outside.
#include <stdio.h>
#include <unistd.h>
int main(void) {
  char buf[100];
  if (rename("/a/sub", "/a/sub2")) perror("rename");
  if (symlink("../outside", "/a/sub")) perror("symlink");
  FILE *f = fopen("/b/secret", "r");
  if (!f) { printf("open /b/secret: refused\n"); return 0; }
  if (fgets(buf, sizeof buf, f)) printf("/b/secret: %s", buf);
  return 0;
}
