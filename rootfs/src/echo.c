#include "lib.h"

/* echo [-n] [arg ...] */
int
main(int argc, char **argv)
{
	int nl, i;

	nl = 1;
	if(argc > 1 && strcmp(argv[1], "-n") == 0){
		nl = 0;
		argv++;
		argc--;
	}
	for(i = 1; i < argc; i++){
		if(i > 1)
			oputc(' ');
		oputs(argv[i]);
	}
	if(nl)
		oputc('\n');
	exits(0);
}
