#include "lib.h"

/*
 * seq [-w] [first [incr]] last: numbers from first (1) by incr (1)
 * while not past last.  Decimal fractions are exact: all numbers are
 * scaled by the most fraction digits any argument has, and print with
 * that many.  -w pads with zeros to one width.
 */

enum { Maxfrac = 9 };

typedef struct Dec Dec;
struct Dec {
	vlong	v;	/* value times 10^frac */
	int	frac;
};

static vlong pow10[Maxfrac + 1] = {
	1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000,
};

static void
parse(char *s, Dec *d)
{
	char *p;
	int neg, digits;

	p = s;
	neg = 0;
	if(*p == '-' || *p == '+')
		neg = *p++ == '-';
	d->v = 0;
	d->frac = 0;
	digits = 0;
	for(; *p >= '0' && *p <= '9'; p++, digits++)
		d->v = d->v*10 + *p - '0';
	if(*p == '.')
		for(p++; *p >= '0' && *p <= '9'; p++, digits++){
			if(d->frac == Maxfrac)
				fatal("too many digits: %s", s);
			d->v = d->v*10 + *p - '0';
			d->frac++;
		}
	if(*p != '\0' || digits == 0 || digits > 18)
		fatal("bad number: %s", s);
	if(neg)
		d->v = -d->v;
}

static int frac;

/* v as a decimal with frac fraction digits, zero-padded after any sign to width */
static int
fmtdec(char *buf, vlong v, int width)
{
	char tmp[64];
	uvlong u;
	int n, neg, z;

	neg = v < 0;
	u = neg ? -(uvlong)v : (uvlong)v;
	if(frac)
		n = snprint(tmp, sizeof tmp, "%s%llu.%0*llu", neg ? "-" : "", u / pow10[frac], frac, u % pow10[frac]);
	else
		n = snprint(tmp, sizeof tmp, "%s%llu", neg ? "-" : "", u);
	z = width > n ? width - n : 0;
	memmove(buf, tmp, neg);
	memset(buf + neg, '0', z);
	memmove(buf + neg + z, tmp + neg, n - neg);
	return n + z;
}

int
main(int argc, char **argv)
{
	Dec a[3], first, incr, last;
	int wflag, i, width;
	vlong v;
	char buf[64];

	argv0 = "seq";
	wflag = 0;
	/* by hand: a negative number is an operand, not a flag */
	for(argc--, argv++; argc > 0 && argv[0][0] == '-' && argv[0][1] >= 'a' && argv[0][1] <= 'z'; argc--, argv++){
		if(strcmp(argv[0], "-w") != 0)
			usage1("[-w] [first [incr]] last");
		wflag = 1;
	}
	if(argc < 1 || argc > 3)
		usage1("[-w] [first [incr]] last");
	frac = 0;
	for(i = 0; i < argc; i++){
		parse(argv[i], &a[i]);
		if(a[i].frac > frac)
			frac = a[i].frac;
	}
	for(i = 0; i < argc; i++)
		a[i].v *= pow10[frac - a[i].frac];
	first.v = argc > 1 ? a[0].v : pow10[frac];
	incr.v = argc > 2 ? a[1].v : pow10[frac];
	last = a[argc-1];
	if(incr.v == 0)
		fatal("zero increment");
	width = 0;
	if(wflag){
		width = fmtdec(buf, first.v, 0);
		i = fmtdec(buf, last.v, 0);
		if(i > width)
			width = i;
	}
	for(v = first.v; incr.v > 0 ? v <= last.v : v >= last.v; v += incr.v){
		owrite(buf, fmtdec(buf, v, width));
		oputc('\n');
	}
	exits(0);
}
