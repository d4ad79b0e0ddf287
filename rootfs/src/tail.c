#include "lib.h"

/*
 * tail [-n [+]lines | -lines | +lines] [-c [+]bytes] [file ...]:
 * the last lines (10 unless told) or bytes, or everything from line
 * or byte N on when the count has a plus sign.  Counting from the end
 * keeps only what may still be printed.
 */

static vlong count = 10;
static int bytes, fromstart;
static char *buf;
static size_t cap;

/* offset in b[0:n] where the last k lines (or bytes) begin */
static size_t
lastpart(char *b, size_t n, vlong k)
{
	size_t i;

	if(bytes)
		return (uvlong)k >= n ? 0 : n - k;
	if(k == 0)
		return n;
	i = n;
	if(i > 0 && b[i-1] == '\n')
		i--;
	while(i > 0)
		if(b[--i] == '\n' && --k == 0)
			return i + 1;
	return 0;
}

static int
fromend(int fd, char *name)
{
	size_t len, start;
	ssize_t n;

	if(buf == NULL){
		cap = 65536;
		buf = emalloc(cap);
	}
	len = 0;
	for(;;){
		if(len == cap){
			start = lastpart(buf, len, count);
			if(start < cap/2){
				cap *= 2;
				buf = erealloc(buf, cap);
			}
			memmove(buf, buf + start, len - start);
			len -= start;
		}
		n = read(fd, buf + len, cap - len);
		if(n <= 0)
			break;
		len += n;
	}
	if(n < 0){
		errno = readerr(fd);
		warn("%s: %r", name);
		return 1;
	}
	start = lastpart(buf, len, count);
	owrite(buf + start, len - start);
	return 0;
}

static int
fromstart1(int fd, char *name)
{
	static char b[32768];
	vlong skip;
	ssize_t n;
	char *p, *e;

	skip = count > 0 ? count - 1 : 0;
	while((n = read(fd, b, sizeof b)) > 0){
		p = b;
		e = b + n;
		if(bytes){
			if(skip >= n){
				skip -= n;
				continue;
			}
			p += skip;
			skip = 0;
		}else
			while(skip > 0 && p < e){
				if((p = memchr(p, '\n', e - p)) == NULL){
					p = e;
					break;
				}
				p++;
				skip--;
			}
		owrite(p, e - p);
	}
	if(n < 0){
		errno = readerr(fd);
		warn("%s: %r", name);
		return 1;
	}
	return 0;
}

static void
setcount(char *s)
{
	if(*s == '+')
		fromstart = 1;
	if(!parsenum(s, &count))
		fatal("bad count: %s", s);
	if(count < 0)
		count = -count;
}

static void
usage(void)
{
	usage1("[-n [+]lines] [-c [+]bytes] [file ...]");
}

int
main(int argc, char **argv)
{
	int fd, status, i;

	argv0 = "tail";
	if(argc > 1 && (argv[1][0] == '-' || argv[1][0] == '+') && argv[1][1] >= '0' && argv[1][1] <= '9'){
		setcount(argv[1]);
		argv[1] = argv[0];
		argv++;
		argc--;
	}
	ARGBEGIN{
	case 'n':
		setcount(EARGF(usage()));
		break;
	case 'c':
		bytes = 1;
		setcount(EARGF(usage()));
		break;
	default:
		usage();
	}ARGEND
	if(argc == 0)
		exits(fromstart ? fromstart1(0, "<stdin>") : fromend(0, "<stdin>"));
	status = 0;
	for(i = 0; i < argc; i++){
		if((fd = openin(argv[i])) < 0){
			warn("%s: %r", argv[i]);
			status = 1;
			continue;
		}
		if(argc > 1)
			print("%s==> %s <==\n", i > 0 ? "\n" : "", argv[i]);
		status |= fromstart ? fromstart1(fd, argv[i]) : fromend(fd, argv[i]);
		closein(fd);
	}
	exits(status);
}
