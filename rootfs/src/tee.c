#include "lib.h"

/* tee [-a] [file ...]: copy standard input to standard output and to each file */

enum { Nfile = 64 };

static char buf[32768];

int
main(int argc, char **argv)
{
	int fd[Nfile], nfd, i, j, mode, status;
	char *name[Nfile];
	ssize_t n, w, k;

	argv0 = "tee";
	mode = O_WRONLY|O_CREAT|O_TRUNC;
	ARGBEGIN{
	case 'a':
		mode = O_WRONLY|O_CREAT|O_APPEND;
		break;
	default:
		usage1("[-a] [file ...]");
	}ARGEND
	status = 0;
	nfd = 0;
	fd[nfd] = 1;
	name[nfd++] = "<stdout>";
	for(i = 0; i < argc; i++){
		if(nfd == Nfile)
			fatal("too many files");
		if((fd[nfd] = open(argv[i], mode, 0666)) < 0){
			warn("%s: %r", argv[i]);
			status = 1;
			continue;
		}
		name[nfd++] = argv[i];
	}
	while((n = read(0, buf, sizeof buf)) > 0){
		for(i = 0; i < nfd; i++){
			if(fd[i] < 0)
				continue;
			for(w = 0; w < n; w += k)
				if((k = write(fd[i], buf + w, n - w)) <= 0){
					if(i > 0 || errno != EPIPE)
						warn("%s: %r", name[i]);
					status = 1;
					fd[i] = -1;
					break;
				}
		}
		/* keep going while any output is open */
		for(j = 0; j < nfd && fd[j] < 0; j++)
			;
		if(j == nfd)
			break;
	}
	if(n < 0){
		warn("<stdin>: %r");
		status = 1;
	}
	exits(status);
}
