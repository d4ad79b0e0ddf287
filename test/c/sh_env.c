// For the shell tests: prints NAME=VALUE for each argument, with \x01 (rc's list
// separator) shown as |, or NAME unset.
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
	for (int i = 1; i < argc; i++) {
		const char *v = getenv(argv[i]);
		if (!v) { printf("%s unset\n", argv[i]); continue; }
		printf("%s=", argv[i]);
		for (; *v; v++) putchar(*v == 1 ? '|' : *v);
		putchar('\n');
	}
	return 0;
}
