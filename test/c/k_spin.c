// Computes forever; the kernel must still run its neighbours and stop it at its limit.
volatile unsigned long spins;
int main(void) { for (;;) spins++; }
