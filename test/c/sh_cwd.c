// For the shell tests: a program that takes its working directory from $PWD, as
// the shell passes it, then prints the files named by its (relative) arguments.
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv) {
	const char *pwd = getenv("PWD");
	if (pwd && chdir(pwd) != 0) { perror(pwd); return 1; }
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "r");
		if (!f) { perror(argv[i]); return 1; }
		int c;
		while ((c = getc(f)) != EOF) putchar(c);
		fclose(f);
	}
	return 0;
}
