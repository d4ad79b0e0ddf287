// Never ends on its own: a metered run must reach the host's fuel_out again and again.
#include <stdio.h>

volatile unsigned spins;

int main(void) {
  printf("spinning\n");
  fflush(stdout);
  for (;;) spins++;
}
