// Prints what a deterministic run must repeat: clocks, random bytes, a listing, a sleep.
#include <dirent.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>
#include <stdlib.h>

int main(void) {
  struct timespec a, b, m;
  clock_gettime(CLOCK_REALTIME, &a);
  clock_gettime(CLOCK_MONOTONIC, &m);
  unsigned char r[8];
  getentropy(r, sizeof r);
  struct timespec ts = { 1, 0 };
  nanosleep(&ts, 0); // a deterministic clock jumps instead of waiting
  clock_gettime(CLOCK_REALTIME, &b);
  printf("real %lld.%09ld mono %lld.%09ld slept %lld\n", (long long)a.tv_sec, a.tv_nsec, (long long)m.tv_sec, m.tv_nsec,
         (long long)(b.tv_sec - a.tv_sec));
  printf("random");
  for (int i = 0; i < 8; i++) printf(" %02x", r[i]);
  printf("\nrand() %d\n", rand());
  DIR *d = opendir("/data");
  struct dirent *e;
  printf("listing");
  while (d && (e = readdir(d))) printf(" %s", e->d_name);
  printf("\n");
  return 0;
}
