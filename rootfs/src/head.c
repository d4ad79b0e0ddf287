#include "lib.h"

/*
 * head [-n lines | -lines] [-c bytes] [file ...]: the first lines (10
 * unless told) or bytes.  Reading stops as soon as enough is out.
 */

static char buf[32768];
static vlong nlines = 10, nbytes = -1;

static int
head(int fd, char *name)
{
	vlong left;
	ssize_t n;
	char *p, *e;

	n = 0;
	left = nbytes >= 0 ? nbytes : nlines;
	while(left > 0 && (n = read(fd, buf, sizeof buf)) > 0){
		if(nbytes >= 0){
			if(n > left)
				n = left;
			left -= n;
			owrite(buf, n);
			continue;
		}
		e = buf + n;
		for(p = buf; left > 0 && (p = memchr(p, '\n', e - p)) != NULL; p++)
			left--;
		owrite(buf, left > 0 ? n : p - buf);
	}
	if(left > 0 && n < 0){
		errno = readerr(fd);
		warn("%s: %r", name);
		return 1;
	}
	return 0;
}

static vlong
count(char *s)
{
	vlong v;

	if(!parsenum(s, &v) || v < 0)
		fatal("bad count: %s", s);
	return v;
}

static void
usage(void)
{
	usage1("[-n lines] [-c bytes] [file ...]");
}

int
main(int argc, char **argv)
{
	int fd, status, i;

	argv0 = "head";
	if(argc > 1 && argv[1][0] == '-' && argv[1][1] >= '0' && argv[1][1] <= '9'){
		nlines = count(argv[1] + 1);
		argv[1] = argv[0];
		argv++;
		argc--;
	}
	ARGBEGIN{
	case 'n':
		nlines = count(EARGF(usage()));
		break;
	case 'c':
		nbytes = count(EARGF(usage()));
		break;
	default:
		usage();
	}ARGEND
	if(argc == 0)
		exits(head(0, "<stdin>"));
	status = 0;
	for(i = 0; i < argc; i++){
		if((fd = openin(argv[i])) < 0){
			warn("%s: %r", argv[i]);
			status = 1;
			continue;
		}
		if(argc > 1)
			print("%s==> %s <==\n", i > 0 ? "\n" : "", argv[i]);
		status |= head(fd, argv[i]);
		closein(fd);
	}
	exits(status);
}
