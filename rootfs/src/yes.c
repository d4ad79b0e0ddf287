#include "lib.h"

/* yes [string]: the string (default y), one a line, until the reader goes away */

static char buf[8192];

int
main(int argc, char **argv)
{
	char *s;
	size_t n, len;

	argv0 = "yes";
	s = argc > 1 ? argv[1] : "y";
	len = strlen(s) + 1;
	if(len > sizeof buf){
		for(;;){
			oputs(s);
			oputc('\n');
		}
	}
	for(n = 0; n + len <= sizeof buf; n += len){
		memmove(buf + n, s, len - 1);
		buf[n + len - 1] = '\n';
	}
	for(;;)
		owrite(buf, n);
}
