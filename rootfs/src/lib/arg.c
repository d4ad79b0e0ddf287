#include "lib.h"

char *argv0;
char *argv_;

/*
 * The value of the flag being parsed: what follows it in the same
 * word, or else the next word (consumed); NULL if there is none.
 */
char*
argval(char **argp, int *argc, char ***argv)
{
	char *v;

	if(**argp != '\0'){
		v = *argp;
		*argp = "";
		return v;
	}
	if(*argc < 2)
		return NULL;
	(*argc)--;
	(*argv)++;
	return (*argv)[0];
}

_Noreturn void
usage1(char *args)
{
	oflush();
	eprint("usage: %s %s\n", argv0, args);
	exits(2);
}
