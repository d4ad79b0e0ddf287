// Exercises what renumbering touches: calls through a function-pointer table
// (call_indirect via the element segment), direct and recursive calls, exported
// functions called by the host, and qsort's comparator callback.
#include <stdio.h>
#include <stdlib.h>

typedef int (*op_fn)(int, int);

static int add(int a, int b) { return a + b; }
static int sub(int a, int b) { return a - b; }
static int mul(int a, int b) { return a * b; }
static int max(int a, int b) { return a > b ? a : b; }

static op_fn ops[] = { add, sub, mul, max };
static const char *names[] = { "add", "sub", "mul", "max" };

__attribute__((noinline)) static int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static int cmp(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }

__attribute__((export_name("square"))) int square(int x) { return x * x; }
__attribute__((export_name("apply"))) int apply(int op, int a, int b) { return ops[op & 3](a, b); }

int main(int argc, char **argv) {
  volatile int pick = argc; // keep the table calls indirect
  for (int i = 0; i < 4; i++) printf("%s(7, 3) = %d\n", names[(i + pick - 1) & 3], ops[(i + pick - 1) & 3](7, 3));
  int v[] = { 5, 3, 9, 1, 7 };
  qsort(v, 5, sizeof v[0], cmp);
  printf("sorted %d %d %d %d %d\n", v[0], v[1], v[2], v[3], v[4]);
  printf("fib(20) = %d\n", fib(20));
  return 0;
}
