#include "lib.h"
#include <time.h>

/* sleep seconds: pause; the seconds may have a fraction (0.25) */
int
main(int argc, char **argv)
{
	struct timespec ts;
	vlong sec, ns, scale;
	char *s;

	argv0 = "sleep";
	ARGBEGIN{
	default:
		usage1("seconds");
	}ARGEND
	if(argc != 1)
		usage1("seconds");
	s = argv[0];
	sec = ns = 0;
	if((*s < '0' || *s > '9') && !(*s == '.' && s[1] >= '0' && s[1] <= '9'))
		fatal("bad time: %s", argv[0]);
	for(; *s >= '0' && *s <= '9'; s++){
		sec = sec*10 + *s - '0';
		if(sec > 1000000000000LL)
			fatal("bad time: %s", argv[0]);
	}
	if(*s == '.')
		for(s++, scale = 100000000; *s >= '0' && *s <= '9'; s++, scale /= 10)
			ns += (*s - '0') * scale;
	if(*s != '\0')
		fatal("bad time: %s", argv[0]);
	ts.tv_sec = sec;
	ts.tv_nsec = ns;
	while(nanosleep(&ts, &ts) < 0)
		if(errno != EINTR)
			fatal("%r");
	exits(0);
}
