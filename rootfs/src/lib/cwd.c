#include "lib.h"

/*
 * A program starts in the directory its shell is in: the shell passes it as $PWD
 * (a WASI program has no working directory of its own; wasi-libc keeps one).
 */
__attribute__((constructor)) static void
takepwd(void)
{
	char *p;

	if((p = getenv("PWD")) != NULL && *p == '/')
		chdir(p);
}
