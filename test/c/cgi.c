// A WAGI handler for goblin serve's tests; PATH_INFO picks what it does:
//   /env            every variable, NAME=VALUE lines
//   /args           its arguments, a line each
//   /echo           the request body back, as application/octet-stream
//   /big?N          N bytes (a repeating pattern)
//   /stream?N       N bytes, then waits for the request body to end, then "done"
//   /failstream?N   N bytes, then exits 1
//   /status         404 Not Found with a body
//   /redirect       a Location header alone
//   /malformed      output that is not CGI
//   /exit?N         a good head, then exit N
//   /spin           never ends (fuel or time runs out)
//   /grow           grows memory until it cannot, then traps
//   /leave          writes /tmp/left and /env/LEFT, then says so
//   /look           whether /tmp/left and $LEFT are there
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

static const char *query(void) { const char *q = getenv("QUERY_STRING"); return q ? q : ""; }

static void pattern(long n) {
  static char buf[65536];
  for (int i = 0; i < (int)sizeof buf; i++) buf[i] = 'a' + i % 26;
  while (n > 0) {
    long k = n < (long)sizeof buf ? n : (long)sizeof buf;
    fwrite(buf, 1, k, stdout);
    n -= k;
  }
  fflush(stdout);
}

static int exists(const char *p) { FILE *f = fopen(p, "r"); if (f) fclose(f); return f != NULL; }

int main(int argc, char **argv) {
  const char *path = getenv("PATH_INFO");
  if (!path) path = "";
  if (!strcmp(path, "/args")) {
    printf("Content-Type: text/plain\n\n");
    for (int i = 0; i < argc; i++) printf("%s\n", argv[i]);
  } else if (!strcmp(path, "/env")) {
    printf("Content-Type: text/plain\n\n");
    for (char **e = environ; *e; e++) printf("%s\n", *e);
  } else if (!strcmp(path, "/echo")) {
    printf("Content-Type: application/octet-stream\nX-Handler: echo\n\n");
    static char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) fwrite(buf, 1, n, stdout);
  } else if (!strcmp(path, "/big")) {
    printf("Content-Type: text/plain\n\n");
    pattern(atol(query()));
  } else if (!strcmp(path, "/stream")) {
    printf("Content-Type: text/plain\n\n");
    pattern(atol(query()));
    static char buf[4096];
    long in = 0;
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) in += n;
    printf("done %ld\n", in);
  } else if (!strcmp(path, "/failstream")) {
    printf("Content-Type: text/plain\n\n");
    pattern(atol(query()));
    return 1;
  } else if (!strcmp(path, "/status")) {
    printf("Status: 404 Not Found\nContent-Type: text/plain\n\nnothing here\n");
  } else if (!strcmp(path, "/redirect")) {
    printf("Location: http://example.org/elsewhere\n\n");
  } else if (!strcmp(path, "/malformed")) {
    printf("this is not a header\n\nbody\n");
  } else if (!strcmp(path, "/exit")) {
    printf("Content-Type: text/plain\n\npartial\n");
    fflush(stdout);
    return atoi(query());
  } else if (!strcmp(path, "/spin")) {
    volatile unsigned long i = 0;
    for (;;) i++;
  } else if (!strcmp(path, "/grow")) {
    while (__builtin_wasm_memory_grow(0, 1) != (__SIZE_TYPE__)-1) {}
    __builtin_trap();
  } else if (!strcmp(path, "/leave")) {
    FILE *f = fopen("/tmp/left", "w");
    if (f) { fputs("x", f); fclose(f); }
    f = fopen("/env/LEFT", "w");
    if (f) { fputs("y", f); fclose(f); }
    printf("Content-Type: text/plain\n\nleft\n");
  } else if (!strcmp(path, "/look")) {
    printf("Content-Type: text/plain\n\ntmp=%d env=%d\n", exists("/tmp/left"), getenv("LEFT") != NULL || exists("/env/LEFT"));
  } else {
    printf("Status: 400 Bad Request\nContent-Type: text/plain\n\nno such test: %s\n", path);
  }
  return 0;
}
