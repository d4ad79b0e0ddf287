#include "lib.h"
#include <regex.h>

/*
 * grep [-cFhHilLnqsvx] [-e pattern] ... [-f file] [pattern] [file ...]
 *
 * Print lines that match any of the patterns: POSIX extended regular
 * expressions (egrep's, as Plan 9's grep has them), or fixed strings
 * with -F.  A pattern with newlines is one pattern a line.  Status 0
 * if a line was selected, 1 if none, 2 on trouble.
 */

typedef struct Pat Pat;
struct Pat {
	char	*s;
	size_t	n;
	int	all;	/* the empty pattern: matches any line */
	regex_t	re;
};

static Pat *pats;
static int npats;
static int cflag, Fflag, hflag, Hflag, iflag, lflag, Lflag, nflag, qflag, sflag, vflag, xflag;
static int status = 1, errors;

static void
addpat1(char *s, size_t n)
{
	Pat *p;
	char *t, err[128];
	int r;

	if(npats % 16 == 0)
		pats = erealloc(pats, (npats + 16) * sizeof pats[0]);
	p = &pats[npats++];
	p->s = emalloc(n + 1);
	memmove(p->s, s, n);
	p->s[n] = '\0';
	p->n = n;
	p->all = n == 0 && !xflag;
	if(Fflag || p->all)
		return;
	if(xflag){
		t = emalloc(n + 5);
		memmove(t, "^(", 2);
		memmove(t + 2, s, n);
		memmove(t + 2 + n, ")$", 3);
		if(n == 0)
			strcpy(t, "^$");
	}else
		t = p->s;
	r = regcomp(&p->re, t, REG_EXTENDED|REG_NOSUB|(iflag ? REG_ICASE : 0));
	if(r != 0){
		regerror(r, &p->re, err, sizeof err);
		warn("bad pattern %s: %s", p->s, err);
		exits(2);
	}
	if(t != p->s)
		free(t);
}

static void
addpat(char *s)
{
	char *nl;

	while((nl = strchr(s, '\n')) != NULL){
		addpat1(s, nl - s);
		s = nl + 1;
	}
	addpat1(s, strlen(s));
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 'a' - 'A' : c;
}

static int
fixedmatch(Pat *p, char *s, size_t n)
{
	size_t i, j;

	if(xflag && n != p->n)
		return 0;
	if(p->n > n)
		return 0;
	if(!iflag)
		return xflag ? memcmp(s, p->s, n) == 0 : memmem(s, n, p->s, p->n) != NULL;
	for(i = 0; i + p->n <= n; i++){
		for(j = 0; j < p->n; j++)
			if(lower((uchar)s[i+j]) != lower((uchar)p->s[j]))
				break;
		if(j == p->n)
			return 1;
		if(xflag)
			break;
	}
	return 0;
}

static int
match(char *s, size_t n)
{
	int i;

	for(i = 0; i < npats; i++){
		if(pats[i].all)
			return 1;
		if(Fflag ? fixedmatch(&pats[i], s, n) : regexec(&pats[i].re, s, 0, NULL, 0) == 0)
			return 1;
	}
	return 0;
}

static void
grep(int fd, char *name, int showname)
{
	Bin b;
	char *s;
	size_t n;
	vlong lineno, count;

	binit(&b, fd);
	lineno = 0;
	count = 0;
	while((s = bline(&b, &n, NULL)) != NULL){
		lineno++;
		if(match(s, n) == vflag)
			continue;
		count++;
		status = 0;
		if(qflag)
			exits(0);
		if(lflag || Lflag)
			break;
		if(cflag)
			continue;
		if(showname)
			print("%s:", name);
		if(nflag)
			print("%lld:", lineno);
		owrite(s, n);
		oputc('\n');
	}
	if(b.err){
		errors = 1;
		if(!sflag){
			errno = b.err;
			warn("%s: %r", name);
		}
	}
	bterm(&b);
	if(cflag){
		if(showname)
			print("%s:", name);
		print("%lld\n", count);
	}
	if(lflag && count > 0)
		print("%s\n", name);
	if(Lflag && count == 0)
		print("%s\n", name);
}

static void
readpats(char *file)
{
	Bin b;
	char *s;
	size_t n;
	int fd;

	if((fd = openin(file)) < 0){
		warn("%s: %r", file);
		exits(2);
	}
	binit(&b, fd);
	while((s = bline(&b, &n, NULL)) != NULL)
		addpat1(s, n);
	if(b.err){
		errno = b.err;
		warn("%s: %r", file);
		exits(2);
	}
	bterm(&b);
	closein(fd);
}

static void
usage(void)
{
	usage1("[-cFhHilLnqsvx] [-e pattern] [-f file] [pattern] [file ...]");
}

int
main(int argc, char **argv)
{
	char *e[64], *f[8];
	int ne, nf, i, fd, showname;

	argv0 = "grep";
	ne = nf = 0;
	ARGBEGIN{
	case 'c': cflag = 1; break;
	case 'E': break;
	case 'F': Fflag = 1; break;
	case 'h': hflag = 1; break;
	case 'H': Hflag = 1; break;
	case 'i': iflag = 1; break;
	case 'l': lflag = 1; break;
	case 'L': Lflag = 1; break;
	case 'n': nflag = 1; break;
	case 'q': qflag = 1; break;
	case 's': sflag = 1; break;
	case 'v': vflag = 1; break;
	case 'x': xflag = 1; break;
	case 'e':
		if(ne == nelem(e))
			fatal("too many patterns");
		e[ne++] = EARGF(usage());
		break;
	case 'f':
		if(nf == nelem(f))
			fatal("too many pattern files");
		f[nf++] = EARGF(usage());
		break;
	default:
		usage();
	}ARGEND
	/* flags first, then patterns, so -i and -x apply to them all */
	for(i = 0; i < ne; i++)
		addpat(e[i]);
	for(i = 0; i < nf; i++)
		readpats(f[i]);
	if(ne == 0 && nf == 0){
		if(argc == 0)
			usage();
		addpat(argv[0]);
		argc--;
		argv++;
	}
	showname = (argc > 1 || Hflag) && !hflag;
	if(argc == 0)
		grep(0, "<stdin>", showname);
	for(; argc > 0; argc--, argv++){
		if((fd = openin(argv[0])) < 0){
			errors = 1;
			if(!sflag)
				warn("%s: %r", argv[0]);
			continue;
		}
		grep(fd, argv[0], showname);
		closein(fd);
	}
	exits(errors ? 2 : status);
}
