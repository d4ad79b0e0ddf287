// appliance_probe: what an appliance's program sees, for test/appliance*.test.ts.
//   appliance_probe OP... where OP is
//     args          argv, one "argv[I]=ARG" line each
//     env NAME      "NAME=VALUE", or "NAME unset"
//     cat P         the file's bytes
//     write P TEXT  creates or truncates P with TEXT
//     ls P          the names in directory P, sorted, one a line
//     random        8 random bytes in hex
//     spin N        N rounds of busy work (fuel; -1 is without end), then "spun" and a bit of the sum
// An op that fails prints "OP P: ERROR" and the program goes on; the exit status
// is the number of failed ops.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int failures;

static void bad(const char *op, const char *path) {
  printf("%s %s: %s\n", op, path, strerror(errno));
  failures++;
}

static int cmpstr(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    const char *op = argv[i], *a = i + 1 < argc ? argv[i + 1] : "", *b = i + 2 < argc ? argv[i + 2] : "";
    if (!strcmp(op, "args")) {
      for (int j = 0; j < argc; j++) printf("argv[%d]=%s\n", j, argv[j]);
    } else if (!strcmp(op, "env")) {
      const char *v = getenv(a);
      if (v) printf("%s=%s\n", a, v); else printf("%s unset\n", a);
      i++;
    } else if (!strcmp(op, "cat")) {
      int fd = open(a, O_RDONLY);
      if (fd < 0) bad(op, a);
      else {
        char buf[4096];
        ssize_t n;
        while ((n = read(fd, buf, sizeof buf)) > 0) fwrite(buf, 1, n, stdout);
        if (n < 0) bad(op, a);
        close(fd);
      }
      i++;
    } else if (!strcmp(op, "write")) {
      int fd = open(a, O_WRONLY | O_CREAT | O_TRUNC, 0666);
      if (fd < 0) bad(op, a);
      else {
        if (write(fd, b, strlen(b)) < 0) bad(op, a);
        close(fd);
      }
      i += 2;
    } else if (!strcmp(op, "ls")) {
      DIR *d = opendir(a);
      if (!d) bad(op, a);
      else {
        char *names[1024];
        int n = 0;
        struct dirent *e;
        while ((e = readdir(d)) && n < 1024)
          if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) names[n++] = strdup(e->d_name);
        closedir(d);
        qsort(names, n, sizeof *names, cmpstr);
        for (int j = 0; j < n; j++) printf("%s\n", names[j]);
      }
      i++;
    } else if (!strcmp(op, "random")) {
      unsigned char r[8];
      if (getentropy(r, sizeof r)) bad(op, "");
      else {
        for (int j = 0; j < 8; j++) printf("%02x", r[j]);
        printf("\n");
      }
    } else if (!strcmp(op, "spin")) {
      volatile unsigned long long x = 0;
      for (long long n = atoll(a); n != 0; n--) x += n;
      printf("spun %llu\n", x & 1);
      i++;
    } else {
      printf("unknown op %s\n", op);
      failures++;
    }
    fflush(stdout);
  }
  return failures;
}
