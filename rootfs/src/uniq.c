#include "lib.h"

/*
 * uniq [-cdu] [file]: one line of each run of equal adjacent lines;
 * -d only runs of two or more, -u only runs of one, -c with the run's
 * length in front.
 */

static int cflag, dflag, uflag;
static char *prev;
static size_t nprev, capprev;

static void
emit(vlong count)
{
	if(dflag && count < 2 || uflag && count > 1)
		return;
	if(cflag)
		print("%4lld ", count);
	owrite(prev, nprev);
	oputc('\n');
}

int
main(int argc, char **argv)
{
	Bin b;
	char *s, *name;
	size_t n;
	vlong count;
	int fd;

	argv0 = "uniq";
	ARGBEGIN{
	case 'c':
		cflag = 1;
		break;
	case 'd':
		dflag = 1;
		break;
	case 'u':
		uflag = 1;
		break;
	default:
		usage1("[-cdu] [file]");
	}ARGEND
	if(argc > 1)
		usage1("[-cdu] [file]");
	fd = 0;
	name = "<stdin>";
	if(argc == 1){
		name = argv[0];
		if((fd = openin(name)) < 0)
			fatal("%s: %r", name);
	}
	binit(&b, fd);
	count = 0;
	while((s = bline(&b, &n, NULL)) != NULL){
		if(count > 0 && n == nprev && memcmp(s, prev, n) == 0){
			count++;
			continue;
		}
		if(count > 0)
			emit(count);
		if(n > capprev){
			capprev = n + 64;
			free(prev);
			prev = emalloc(capprev);
		}
		memmove(prev, s, n);
		nprev = n;
		count = 1;
	}
	if(count > 0)
		emit(count);
	if(b.err){
		errno = b.err;
		fatal("%s: %r", name);
	}
	exits(0);
}
