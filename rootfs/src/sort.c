#include "lib.h"

/*
 * sort [-bfnru] [-t c] [-k f1[.c1][flags][,f2[.c2][flags]]] ... [-o out] [file ...]
 *
 * All input is held in memory; the merge sort is stable.  Lines equal
 * by their keys are ordered by their bytes unless -u, which keeps the
 * first of each run of equal keys.  Fields are as POSIX has them:
 * without -t, a field is a run of non-blanks with the blanks before it.
 */

enum {
	Fnum = 1<<0,
	Frev = 1<<1,
	Ffold = 1<<2,
	Fblank = 1<<3,	/* skip leading blanks */
	Nkey = 10,
};

typedef struct Key Key;
struct Key {
	int	f1, c1;
	int	f2, c2;	/* f2 == 0: to the end of the line; c2 == 0: to the end of field f2 */
	int	flags;
};

typedef struct Line Line;
struct Line {
	char	*s;
	size_t	n;
};

static Key keys[Nkey];
static int nkeys;
static int gflags, uflag;
static int tab = -1;

static int
blank(int c)
{
	return c == ' ' || c == '\t';
}

/* the start of field f (1-based) of s[0:e], its leading blanks included */
static char*
field(char *s, char *e, int f)
{
	while(--f > 0 && s < e){
		if(tab >= 0){
			while(s < e && *s != tab)
				s++;
			if(s < e)
				s++;
		}else{
			while(s < e && blank(*s))
				s++;
			while(s < e && !blank(*s))
				s++;
		}
	}
	return s;
}

static char*
fieldend(char *s, char *e)
{
	if(tab >= 0){
		while(s < e && *s != tab)
			s++;
		return s;
	}
	while(s < e && blank(*s))
		s++;
	while(s < e && !blank(*s))
		s++;
	return s;
}

static char*
skipblanks(char *s, char *e)
{
	while(s < e && blank(*s))
		s++;
	return s;
}

static void
span(Line *l, Key *k, char **ps, char **pe)
{
	char *s, *e, *p;

	s = l->s;
	e = s + l->n;
	p = field(s, e, k->f1);
	if(k->flags & Fblank)
		p = skipblanks(p, e);
	p += k->c1 - 1;
	*ps = p < e ? p : e;
	if(k->f2 == 0)
		p = e;
	else{
		p = field(s, e, k->f2);
		if(k->c2 == 0)
			p = fieldend(p, e);
		else{
			if(k->flags & Fblank)
				p = skipblanks(p, e);
			p += k->c2;
		}
	}
	*pe = p < e ? p : e;
	if(*pe < *ps)
		*pe = *ps;
}

typedef struct Num Num;
struct Num {
	int	neg;
	char	*i, *ie;	/* integer digits without leading zeros */
	char	*f, *fe;	/* fraction digits */
};

static void
parsenum1(char *s, char *e, Num *n)
{
	char *z;

	s = skipblanks(s, e);
	n->neg = s < e && *s == '-';
	if(n->neg)
		s++;
	while(s < e && *s == '0')
		s++;
	n->i = s;
	while(s < e && *s >= '0' && *s <= '9')
		s++;
	n->ie = s;
	n->f = n->fe = s;
	if(s < e && *s == '.'){
		n->f = ++s;
		while(s < e && *s >= '0' && *s <= '9')
			s++;
		n->fe = s;
	}
	for(z = n->fe; z > n->f && z[-1] == '0'; z--)
		;
	n->fe = z;
	if(n->i == n->ie && n->f == n->fe)
		n->neg = 0;	/* -0 is 0 */
}

static int
numcmp(char *a, char *ae, char *b, char *be)
{
	Num x, y;
	int c, da, db;
	size_t nx, ny;

	parsenum1(a, ae, &x);
	parsenum1(b, be, &y);
	if(x.neg != y.neg)
		return x.neg ? -1 : 1;
	nx = x.ie - x.i;
	ny = y.ie - y.i;
	if(nx != ny)
		c = nx < ny ? -1 : 1;
	else if((c = memcmp(x.i, y.i, nx)) == 0){
		while(c == 0 && (x.f < x.fe || y.f < y.fe)){
			da = x.f < x.fe ? *x.f++ : '0';
			db = y.f < y.fe ? *y.f++ : '0';
			c = da - db;
		}
	}
	if(c != 0)
		c = c < 0 ? -1 : 1;
	return x.neg ? -c : c;
}

static int
upper(int c)
{
	return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
}

static int
bytecmp(char *a, char *ae, char *b, char *be, int fold)
{
	size_t na, nb;
	int c;

	na = ae - a;
	nb = be - b;
	if(!fold){
		c = memcmp(a, b, na < nb ? na : nb);
		if(c != 0)
			return c;
	}else
		for(; a < ae && b < be; a++, b++)
			if((c = upper((uchar)*a) - upper((uchar)*b)) != 0)
				return c;
	return na < nb ? -1 : na > nb;
}

static int
keycmp(Line *a, Line *b)
{
	char *as, *ae, *bs, *be;
	Key *k;
	int i, c;

	for(i = 0; i < nkeys; i++){
		k = &keys[i];
		span(a, k, &as, &ae);
		span(b, k, &bs, &be);
		if(k->flags & Fnum)
			c = numcmp(as, ae, bs, be);
		else
			c = bytecmp(as, ae, bs, be, k->flags & Ffold);
		if(c != 0)
			return k->flags & Frev ? -c : c;
	}
	return 0;
}

static int
linecmp(Line *a, Line *b)
{
	int c;

	if((c = keycmp(a, b)) != 0 || uflag)
		return c;
	c = bytecmp(a->s, a->s + a->n, b->s, b->s + b->n, 0);
	return gflags & Frev ? -c : c;
}

static void
msort(Line **v, Line **tmp, size_t n)
{
	size_t h, i, j, k;

	if(n < 2)
		return;
	h = n / 2;
	msort(v, tmp, h);
	msort(v + h, tmp, n - h);
	if(linecmp(v[h-1], v[h]) <= 0)
		return;
	memmove(tmp, v, h * sizeof v[0]);
	i = 0;
	j = h;
	k = 0;
	while(i < h && j < n)
		v[k++] = linecmp(v[j], tmp[i]) < 0 ? v[j++] : tmp[i++];
	while(i < h)
		v[k++] = tmp[i++];
}

static char *text;
static size_t ntext, captext;
static size_t *offs;
static size_t nline, capline;

static int
input(int fd, char *name)
{
	Bin b;
	char *s;
	size_t n;

	binit(&b, fd);
	while((s = bline(&b, &n, NULL)) != NULL){
		if(ntext + n + 1 > captext){
			while(ntext + n + 1 > captext)
				captext = captext ? captext * 2 : 65536;
			text = erealloc(text, captext);
		}
		if(nline == capline){
			capline = capline ? capline * 2 : 1024;
			offs = erealloc(offs, capline * sizeof offs[0]);
		}
		offs[nline++] = ntext;
		memmove(text + ntext, s, n + 1);
		ntext += n + 1;
	}
	bterm(&b);
	if(b.err){
		errno = b.err;
		warn("%s: %r", name);
		return 1;
	}
	return 0;
}

static int
modifiers(char **ps)
{
	int f;
	char *s;

	f = 0;
	for(s = *ps;; s++)
		switch(*s){
		case 'n':
			f |= Fnum;
			break;
		case 'r':
			f |= Frev;
			break;
		case 'f':
			f |= Ffold;
			break;
		case 'b':
			f |= Fblank;
			break;
		default:
			*ps = s;
			return f;
		}
}

static int
posnum(char **ps)
{
	int n;
	char *s;

	s = *ps;
	n = 0;
	while(*s >= '0' && *s <= '9')
		n = n*10 + *s++ - '0';
	*ps = s;
	return n;
}

static void
addkey(char *arg)
{
	Key *k;
	char *s;

	if(nkeys == Nkey)
		fatal("too many keys");
	k = &keys[nkeys++];
	memset(k, 0, sizeof *k);
	s = arg;
	k->f1 = posnum(&s);
	k->c1 = 1;
	if(*s == '.')
		s++, k->c1 = posnum(&s);
	k->flags = modifiers(&s);
	if(*s == ','){
		s++;
		k->f2 = posnum(&s);
		if(*s == '.')
			s++, k->c2 = posnum(&s);
		k->flags |= modifiers(&s);
		if(k->f2 < 1)
			fatal("bad key: %s", arg);
	}
	if(*s != '\0' || k->f1 < 1 || k->c1 < 1)
		fatal("bad key: %s", arg);
}

static void
usage(void)
{
	usage1("[-bfnru] [-t c] [-k key] ... [-o out] [file ...]");
}

int
main(int argc, char **argv)
{
	Line *lines, **v, **tmp;
	char *out, *t;
	size_t i;
	int status, fd;

	argv0 = "sort";
	out = NULL;
	ARGBEGIN{
	case 'b':
		gflags |= Fblank;
		break;
	case 'f':
		gflags |= Ffold;
		break;
	case 'n':
		gflags |= Fnum;
		break;
	case 'r':
		gflags |= Frev;
		break;
	case 'u':
		uflag = 1;
		break;
	case 't':
		t = EARGF(usage());
		if(strlen(t) != 1)
			fatal("bad separator: %s", t);
		tab = (uchar)t[0];
		break;
	case 'k':
		addkey(EARGF(usage()));
		break;
	case 'o':
		out = EARGF(usage());
		break;
	default:
		usage();
	}ARGEND
	/* a key with no flags of its own takes the global ones */
	for(i = 0; i < (size_t)nkeys; i++)
		if(keys[i].flags == 0)
			keys[i].flags = gflags;
	if(nkeys == 0){
		keys[0].f1 = keys[0].c1 = 1;
		keys[0].flags = gflags;
		nkeys = 1;
	}

	status = 0;
	if(argc == 0)
		status |= input(0, "<stdin>");
	for(; argc > 0; argc--, argv++){
		if((fd = openin(argv[0])) < 0){
			warn("%s: %r", argv[0]);
			status = 1;
			continue;
		}
		status |= input(fd, argv[0]);
		closein(fd);
	}
	if(status)
		exits(status);

	lines = emalloc(nline * sizeof lines[0]);
	v = emalloc(nline * sizeof v[0]);
	tmp = emalloc((nline / 2 + 1) * sizeof tmp[0]);
	for(i = 0; i < nline; i++){
		lines[i].s = text + offs[i];
		lines[i].n = (i + 1 < nline ? offs[i+1] : ntext) - offs[i] - 1;
		v[i] = &lines[i];
	}
	msort(v, tmp, nline);

	if(out != NULL){
		if((fd = open(out, O_WRONLY|O_CREAT|O_TRUNC, 0666)) < 0)
			fatal("%s: %r", out);
		ofd = fd;
	}
	for(i = 0; i < nline; i++){
		if(uflag && i > 0 && keycmp(v[i-1], v[i]) == 0)
			continue;
		owrite(v[i]->s, v[i]->n);
		oputc('\n');
	}
	exits(0);
}
