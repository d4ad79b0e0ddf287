#include "lib.h"
#include <time.h>

/*
 * touch [-c] [-t seconds] file ...: set the access and modification
 * times to now (or to the given seconds since the epoch), making empty
 * files for names that do not exist unless -c.
 */
int
main(int argc, char **argv)
{
	struct timespec ts[2];
	vlong t, ns;
	int cflag, status, fd, set;
	char *s;

	argv0 = "touch";
	cflag = 0;
	set = 0;
	t = 0;
	ARGBEGIN{
	case 'c':
		cflag = 1;
		break;
	case 't':
		s = EARGF(usage1("[-c] [-t seconds] file ..."));
		if(!parsenum(s, &t))
			fatal("bad time: %s", s);
		set = 1;
		break;
	default:
		usage1("[-c] [-t seconds] file ...");
	}ARGEND
	if(argc == 0)
		usage1("[-c] [-t seconds] file ...");
	/* the time now, not UTIME_NOW: node:wasi refuses that */
	ns = set ? t * 1000000000 : nsnow();
	ts[0].tv_sec = ts[1].tv_sec = ns / 1000000000;
	ts[0].tv_nsec = ts[1].tv_nsec = ns % 1000000000;
	status = 0;
	for(; argc > 0; argc--, argv++){
		if(utimensat(AT_FDCWD, argv[0], ts, 0) == 0)
			continue;
		if(errno == ENOENT && !cflag){
			if((fd = open(argv[0], O_WRONLY|O_CREAT, 0666)) >= 0){
				close(fd);
				if(utimensat(AT_FDCWD, argv[0], ts, 0) == 0)
					continue;
			}
		}else if(errno == ENOENT)
			continue;
		warn("%s: %r", argv[0]);
		status = 1;
	}
	exits(status);
}
