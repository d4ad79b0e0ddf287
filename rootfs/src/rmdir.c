#include "lib.h"

/* rmdir dir ...: remove empty directories */
int
main(int argc, char **argv)
{
	int status;

	argv0 = "rmdir";
	ARGBEGIN{
	default:
		usage1("dir ...");
	}ARGEND
	if(argc == 0)
		usage1("dir ...");
	status = 0;
	for(; argc > 0; argc--, argv++)
		if(rmdir(argv[0]) < 0){
			warn("%s: %r", argv[0]);
			status = 1;
		}
	exits(status);
}
