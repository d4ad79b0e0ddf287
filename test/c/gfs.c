// gfs: file operations named on the command line, one after another, for tests
// that drive namespaces and file servers through WASI.
//   gfs cat P | write P TEXT | append P TEXT | ls P | mkdir P | rm P | rmdir P |
//       mv A B | symlink TARGET P | link A B | readlink P | stat P | size P | exists P
// Each op prints its result; an error prints "OP PATH: ERROR" and the program goes on.
// Exit status: the number of failed ops.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int failures;

static void bad(const char *op, const char *path) {
  printf("%s %s: %s\n", op, path, strerror(errno));
  failures++;
}

static int cmpstr(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void cat(const char *p) {
  int fd = open(p, O_RDONLY);
  if (fd < 0) { bad("cat", p); return; }
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) fwrite(buf, 1, n, stdout);
  if (n < 0) bad("cat", p);
  close(fd);
}

static void put(const char *p, const char *text, int flags) {
  int fd = open(p, O_WRONLY | O_CREAT | flags, 0666);
  if (fd < 0) { bad("write", p); return; }
  if (write(fd, text, strlen(text)) < 0) bad("write", p);
  close(fd);
}

static void ls(const char *p) {
  DIR *d = opendir(p);
  if (!d) { bad("ls", p); return; }
  char *names[1024];
  int n = 0;
  struct dirent *e;
  errno = 0; // readdir answers NULL both at the end and on an error
  while ((e = readdir(d)) && n < 1024)
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) names[n++] = strdup(e->d_name);
  if (!e && errno) { bad("ls", p); closedir(d); while (n) free(names[--n]); return; }
  closedir(d);
  qsort(names, n, sizeof *names, cmpstr);
  for (int i = 0; i < n; i++) { printf("%s%s", i ? " " : "", names[i]); free(names[i]); }
  printf("\n");
}

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    const char *op = argv[i], *a = i + 1 < argc ? argv[i + 1] : "", *b = i + 2 < argc ? argv[i + 2] : "";
    struct stat st;
    char buf[4096];
    if (!strcmp(op, "cat")) { cat(a); i++; }
    else if (!strcmp(op, "write")) { put(a, b, O_TRUNC); i += 2; }
    else if (!strcmp(op, "append")) { put(a, b, O_APPEND); i += 2; }
    else if (!strcmp(op, "ls")) { ls(a); i++; }
    else if (!strcmp(op, "mkdir")) { if (mkdir(a, 0777)) bad(op, a); i++; }
    else if (!strcmp(op, "rm")) { if (unlink(a)) bad(op, a); i++; }
    else if (!strcmp(op, "rmdir")) { if (rmdir(a)) bad(op, a); i++; }
    else if (!strcmp(op, "mv")) { if (rename(a, b)) bad(op, a); i += 2; }
    else if (!strcmp(op, "symlink")) { if (symlink(a, b)) bad(op, b); i += 2; }
    else if (!strcmp(op, "link")) { if (link(a, b)) bad(op, b); i += 2; }
    else if (!strcmp(op, "readlink")) {
      ssize_t n = readlink(a, buf, sizeof buf - 1);
      if (n < 0) bad(op, a); else { buf[n] = 0; printf("%s\n", buf); }
      i++;
    } else if (!strcmp(op, "stat") || !strcmp(op, "size") || !strcmp(op, "exists")) {
      if (lstat(a, &st)) { if (!strcmp(op, "exists")) printf("no\n"); else bad(op, a); }
      else if (!strcmp(op, "exists")) printf("yes\n");
      else if (!strcmp(op, "size")) printf("%lld\n", (long long)st.st_size);
      else printf("%s %lld nlink=%d\n", S_ISDIR(st.st_mode) ? "dir" : S_ISLNK(st.st_mode) ? "symlink" : S_ISCHR(st.st_mode) ? "char" : "file",
                  (long long)st.st_size, (int)st.st_nlink);
      i++;
    } else { fprintf(stderr, "gfs: unknown op %s\n", op); return 100; }
  }
  return failures;
}
