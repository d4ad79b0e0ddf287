#include "lib.h"

/* pwd: print the working directory (the shell's, passed as $PWD) */
int
main(int argc, char **argv)
{
	char buf[4096];

	(void)argc;
	(void)argv;
	if(getcwd(buf, sizeof buf) == NULL){
		warn("pwd: %r");
		exits(1);
	}
	oputs(buf);
	oputc('\n');
	exits(0);
}
