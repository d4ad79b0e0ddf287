#include "lib.h"

/*
 * wc [-lwc] [file ...]: lines, words and bytes, each in a field of
 * seven, then the name; a total line after two or more files.
 */

static char buf[65536];
static int lflag, wflag, cflag;
static uvlong tl, tw, tc;

static void
out(uvlong l, uvlong w, uvlong c, char *name)
{
	char *sep;

	sep = "";
	if(lflag){
		print("%7llu", l);
		sep = " ";
	}
	if(wflag){
		print("%s%7llu", sep, w);
		sep = " ";
	}
	if(cflag)
		print("%s%7llu", sep, c);
	if(name != NULL)
		print(" %s", name);
	oputc('\n');
}

static int
wc(int fd, char *name)
{
	uvlong l, w, c;
	ssize_t n;
	int inword, sp;
	uchar *p, *e;

	l = w = c = 0;
	inword = 0;
	while((n = read(fd, buf, sizeof buf)) > 0){
		c += n;
		if(!lflag && !wflag)
			continue;	/* bytes alone need no look at them */
		e = (uchar*)buf + n;
		for(p = (uchar*)buf; p < e; p++){
			sp = *p == ' ' || (*p >= '\t' && *p <= '\r');
			if(*p == '\n')
				l++;
			if(sp)
				inword = 0;
			else if(!inword){
				inword = 1;
				w++;
			}
		}
	}
	if(n < 0){
		errno = readerr(fd);
		warn("%s: %r", name ? name : "<stdin>");
		return 1;
	}
	out(l, w, c, name);
	tl += l;
	tw += w;
	tc += c;
	return 0;
}

int
main(int argc, char **argv)
{
	int fd, status, nfile;

	argv0 = "wc";
	ARGBEGIN{
	case 'l':
		lflag = 1;
		break;
	case 'w':
		wflag = 1;
		break;
	case 'c':
		cflag = 1;
		break;
	default:
		usage1("[-lwc] [file ...]");
	}ARGEND
	if(!lflag && !wflag && !cflag)
		lflag = wflag = cflag = 1;
	if(argc == 0)
		exits(wc(0, NULL));
	status = 0;
	nfile = argc;
	for(; argc > 0; argc--, argv++){
		if((fd = openin(argv[0])) < 0){
			warn("%s: %r", argv[0]);
			status = 1;
			continue;
		}
		status |= wc(fd, argv[0]);
		closein(fd);
	}
	if(nfile > 1)
		out(tl, tw, tc, "total");
	exits(status);
}
