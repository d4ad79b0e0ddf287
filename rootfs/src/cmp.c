#include "lib.h"

/*
 * cmp [-lLs] file1 file2 [offset1 [offset2]]: compare two files byte
 * by byte.  Prints where they first differ ("a b differ: char 5"; -L
 * adds the line), -l every differing byte, -s nothing.  Status 0 if the
 * same, 1 if different, 2 on trouble.  "-" is standard input.
 */

typedef struct In In;
struct In {
	char	*name;
	int	fd;
	uchar	buf[16384];
	ssize_t	n, p;
};

static In f1, f2;

/* next byte, -1 at end, -2 on error */
static int
next(In *f)
{
	if(f->p == f->n){
		f->n = read(f->fd, f->buf, sizeof f->buf);
		f->p = 0;
		if(f->n < 0){
			errno = readerr(f->fd);
			warn("%s: %r", f->name);
			f->n = 0;
			return -2;
		}
		if(f->n == 0)
			return -1;
	}
	return f->buf[f->p++];
}

static void
skip(In *f, char *off)
{
	vlong n;

	if(!parsenum(off, &n) || n < 0){
		warn("bad offset: %s", off);
		exits(2);
	}
	while(n-- > 0)
		if(next(f) < 0)
			break;
}

static void
openf(In *f, char *name)
{
	f->name = name;
	if((f->fd = openin(name)) < 0){
		warn("%s: %r", name);
		exits(2);
	}
}

int
main(int argc, char **argv)
{
	int lflag, Lflag, sflag, a, b, differ;
	vlong pos, line;

	argv0 = "cmp";
	lflag = Lflag = sflag = 0;
	ARGBEGIN{
	case 'l':
		lflag = 1;
		break;
	case 'L':
		Lflag = 1;
		break;
	case 's':
		sflag = 1;
		break;
	default:
		usage1("[-lLs] file1 file2 [offset1 [offset2]]");
	}ARGEND
	if(argc < 2 || argc > 4)
		usage1("[-lLs] file1 file2 [offset1 [offset2]]");
	openf(&f1, argv[0]);
	openf(&f2, argv[1]);
	if(argc > 2)
		skip(&f1, argv[2]);
	if(argc > 3)
		skip(&f2, argv[3]);
	differ = 0;
	pos = 1;
	line = 1;
	for(;; pos++){
		a = next(&f1);
		b = next(&f2);
		if(a == -2 || b == -2)
			exits(2);
		if(a == b){
			if(a < 0)
				break;
			if(a == '\n')
				line++;
			continue;
		}
		if(a < 0 || b < 0){
			if(!sflag){
				oflush();
				warn("EOF on %s", a < 0 ? f1.name : f2.name);
			}
			exits(1);
		}
		differ = 1;
		if(sflag)
			break;
		if(!lflag){
			print("%s %s differ: char %lld", f1.name, f2.name, pos);
			if(Lflag)
				print(" line %lld", line);
			oputc('\n');
			break;
		}
		print("%6lld 0x%02x 0x%02x\n", pos, a, b);
		if(a == '\n')
			line++;
	}
	exits(differ);
}
