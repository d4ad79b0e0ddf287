// The example app: says hello, shows its arguments and what its namespace holds.
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  printf("hello from a goblin VM\n");
  for (int i = 1; i < argc; i++) printf("arg %d: %s\n", i, argv[i]);
  const char *user = getenv("USER");
  if (user) printf("USER=%s\n", user);
  DIR *d = opendir("/");
  if (d) {
    struct dirent *e;
    printf("/ holds:");
    while ((e = readdir(d))) if (e->d_name[0] != '.') printf(" %s", e->d_name);
    printf("\n");
    closedir(d);
  }
  return 0;
}
