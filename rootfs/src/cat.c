#include "lib.h"

/* cat [file ...] */

static char buf[65536];

static int
cat(int fd, char *name)
{
	ssize_t n;

	/* each read goes out as it comes, so cat at a terminal answers line by line */
	while((n = read(fd, buf, sizeof buf)) > 0){
		owrite(buf, n);
		oflush();
	}
	if(n < 0){
		errno = readerr(fd);
		warn("%s: %r", name);
		return 1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	int fd, status;

	argv0 = "cat";
	ARGBEGIN{
	default:
		usage1("[file ...]");
	}ARGEND
	if(argc == 0)
		exits(cat(0, "<stdin>"));
	status = 0;
	for(; argc > 0; argc--, argv++){
		if((fd = openin(argv[0])) < 0){
			warn("%s: %r", argv[0]);
			status = 1;
			continue;
		}
		status |= cat(fd, argv[0]);
		closein(fd);
	}
	exits(status);
}
