#include "lib.h"

/*
 * tr [-cds] set1 [set2]: translate, delete (-d) or squeeze (-s)
 * bytes.  Sets take ranges (a-z), escapes (\n \t \\ \NNN) and classes
 * ([:alpha:] and the like); -c complements set1.  When set2 is the
 * shorter, its last byte repeats.
 */

enum { Nset = 4096 };

typedef struct Set Set;
struct Set {
	uchar	c[Nset];
	int	n;
	uchar	has[256];
};

/* in inclass's order */
static char *classes[] = {
	"alpha", "digit", "alnum", "upper", "lower", "space",
	"blank", "punct", "print", "graph", "cntrl", "xdigit",
};

static int
inclass(int k, int c)
{
	int lo, up, dig;

	lo = c >= 'a' && c <= 'z';
	up = c >= 'A' && c <= 'Z';
	dig = c >= '0' && c <= '9';
	switch(k){
	case 0: return lo || up;
	case 1: return dig;
	case 2: return lo || up || dig;
	case 3: return up;
	case 4: return lo;
	case 5: return c == ' ' || c >= '\t' && c <= '\r';
	case 6: return c == ' ' || c == '\t';
	case 7: return c > ' ' && c < 0x7f && !lo && !up && !dig;
	case 8: return c >= ' ' && c < 0x7f;
	case 9: return c > ' ' && c < 0x7f;
	case 10: return c < ' ' || c == 0x7f;
	case 11: return dig || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
	}
	return 0;
}

static void
add(Set *s, int c)
{
	if(s->n == Nset)
		fatal("set too large");
	s->c[s->n++] = c;
	s->has[c] = 1;
}

/* one byte of a set, escapes decoded; advances *pp */
static int
onebyte(char **pp)
{
	char *p;
	int c, i;

	p = *pp;
	c = (uchar)*p++;
	if(c == '\\' && *p != '\0'){
		c = (uchar)*p++;
		switch(c){
		case 'n': c = '\n'; break;
		case 't': c = '\t'; break;
		case 'r': c = '\r'; break;
		case 'a': c = '\a'; break;
		case 'b': c = '\b'; break;
		case 'f': c = '\f'; break;
		case 'v': c = '\v'; break;
		default:
			if(c >= '0' && c <= '7'){
				c -= '0';
				for(i = 1; i < 3 && *p >= '0' && *p <= '7'; i++)
					c = c*8 + *p++ - '0';
				c &= 0xff;
			}
		}
	}
	*pp = p;
	return c;
}

static void
parse(Set *s, char *p)
{
	int lo, hi, c, k;
	size_t n;
	char *e;

	memset(s, 0, sizeof *s);
	while(*p != '\0'){
		if(p[0] == '[' && p[1] == ':' && (e = strstr(p + 2, ":]")) != NULL){
			n = e - (p + 2);
			for(k = 0; k < (int)(sizeof classes / sizeof classes[0]); k++)
				if(strlen(classes[k]) == n && memcmp(classes[k], p + 2, n) == 0)
					break;
			if(k == sizeof classes / sizeof classes[0])
				fatal("bad class: %.*s", (int)n, p + 2);
			for(c = 0; c < 256; c++)
				if(inclass(k, c))
					add(s, c);
			p = e + 2;
			continue;
		}
		lo = onebyte(&p);
		if(p[0] == '-' && p[1] != '\0'){
			p++;
			hi = onebyte(&p);
			if(hi < lo)
				fatal("bad range: %c-%c", lo, hi);
			for(c = lo; c <= hi; c++)
				add(s, c);
		}else
			add(s, lo);
	}
}

static void
complement(Set *s)
{
	Set t;
	int c;

	memset(&t, 0, sizeof t);
	for(c = 0; c < 256; c++)
		if(!s->has[c])
			add(&t, c);
	*s = t;
}

static Set set1, set2;
static char buf[32768], obuf[32768];

int
main(int argc, char **argv)
{
	int cflag, dflag, sflag, map[256], i, c, last;
	uchar *squeeze;
	ssize_t n, k, o;

	argv0 = "tr";
	cflag = dflag = sflag = 0;
	ARGBEGIN{
	case 'c':
		cflag = 1;
		break;
	case 'd':
		dflag = 1;
		break;
	case 's':
		sflag = 1;
		break;
	default:
		usage1("[-cds] set1 [set2]");
	}ARGEND
	if(argc < 1 || argc > 2 || argc == 1 && !dflag && !sflag || argc == 2 && dflag && !sflag)
		usage1("[-cds] set1 [set2]");
	parse(&set1, argv[0]);
	if(argc == 2)
		parse(&set2, argv[1]);
	if(cflag)
		complement(&set1);
	for(c = 0; c < 256; c++)
		map[c] = c;
	if(dflag)
		for(c = 0; c < 256; c++)
			if(set1.has[c])
				map[c] = -1;
	if(!dflag && argc == 2){
		if(set2.n == 0)
			fatal("empty set2");
		for(i = 0; i < set1.n; i++)
			map[set1.c[i]] = set2.c[i < set2.n ? i : set2.n - 1];
	}
	squeeze = NULL;
	if(sflag)
		squeeze = argc == 2 ? set2.has : set1.has;

	last = -1;
	while((n = read(0, buf, sizeof buf)) > 0){
		o = 0;
		for(k = 0; k < n; k++){
			c = map[(uchar)buf[k]];
			if(c < 0)
				continue;
			if(squeeze != NULL && c == last && squeeze[c])
				continue;
			obuf[o++] = c;
			last = c;
		}
		owrite(obuf, o);
	}
	if(n < 0)
		fatal("<stdin>: %r");
	exits(0);
}
