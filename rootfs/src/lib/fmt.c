#include "lib.h"

/*
 * A small formatter: %d %u %x %o %s %c %r %%, with flags '-' and '0',
 * a width (or *), a precision for strings, and the sizes l, ll and z.
 * %r prints errtext(errno) as errno was when formatting began.
 */

typedef struct Sink Sink;
struct Sink {
	void	(*put)(Sink *, char *, int);
	char	*p;	/* for snprint: next byte */
	char	*e;	/* for snprint: last usable byte */
	int	n;	/* bytes formatted, whether or not stored */
};

static void
pad(Sink *s, int c, int n)
{
	char b[16];
	int k;

	memset(b, c, sizeof b);
	while(n > 0){
		k = n < (int)sizeof b ? n : (int)sizeof b;
		s->put(s, b, k);
		n -= k;
	}
}

static void
field(Sink *s, char *p, int n, int width, int left, int zero)
{
	int neg;

	if(left){
		s->put(s, p, n);
		pad(s, ' ', width - n);
		return;
	}
	if(zero){
		neg = n > 0 && p[0] == '-';
		if(neg)
			s->put(s, p, 1);
		pad(s, '0', width - n);
		s->put(s, p + neg, n - neg);
		return;
	}
	pad(s, ' ', width - n);
	s->put(s, p, n);
}

static int
dofmt(Sink *s, char *fmt, va_list arg)
{
	char buf[32], *p, *q;
	int width, prec, left, zero, size, base, neg, n, e;
	uvlong u;

	e = errno;
	for(;;){
		for(q = fmt; *q != '\0' && *q != '%'; q++)
			;
		if(q > fmt)
			s->put(s, fmt, q - fmt);
		if(*q == '\0')
			break;
		fmt = q + 1;
		left = zero = size = 0;
		width = 0;
		prec = -1;
		for(;; fmt++){
			if(*fmt == '-')
				left = 1;
			else if(*fmt == '0')
				zero = 1;
			else
				break;
		}
		if(*fmt == '*'){
			width = va_arg(arg, int);
			fmt++;
		}else
			while(*fmt >= '0' && *fmt <= '9')
				width = width*10 + *fmt++ - '0';
		if(*fmt == '.'){
			fmt++;
			prec = 0;
			if(*fmt == '*'){
				prec = va_arg(arg, int);
				fmt++;
			}else
				while(*fmt >= '0' && *fmt <= '9')
					prec = prec*10 + *fmt++ - '0';
		}
		while(*fmt == 'l' || *fmt == 'z'){
			size++;
			fmt++;
		}
		base = 10;
		switch(*fmt++){
		case '\0':
			fmt--;
			continue;
		case 's':
			p = va_arg(arg, char*);
			if(p == NULL)
				p = "<nil>";
			n = strlen(p);
			if(prec >= 0 && n > prec)
				n = prec;
			field(s, p, n, width, left, 0);
			continue;
		case 'r':
			p = errtext(e);
			field(s, p, strlen(p), width, left, 0);
			continue;
		case 'c':
			buf[0] = va_arg(arg, int);
			field(s, buf, 1, width, left, 0);
			continue;
		case 'd':
			neg = 0;
			if(size >= 2)
				u = va_arg(arg, vlong);
			else if(size == 1)
				u = va_arg(arg, long);
			else
				u = va_arg(arg, int);
			if((vlong)u < 0){
				neg = 1;
				u = -u;
			}
			goto number;
		case 'x':
			base = 16;
			goto unsig;
		case 'o':
			base = 8;
			goto unsig;
		case 'u':
		unsig:
			neg = 0;
			if(size >= 2)
				u = va_arg(arg, uvlong);
			else if(size == 1)
				u = va_arg(arg, unsigned long);
			else
				u = va_arg(arg, unsigned);
		number:
			p = buf + sizeof buf;
			do{
				*--p = "0123456789abcdef"[u % base];
				u /= base;
			}while(u != 0);
			if(neg)
				*--p = '-';
			field(s, p, buf + sizeof buf - p, width, left, zero);
			continue;
		default:
			s->put(s, fmt - 1, 1);
			continue;
		}
	}
	return s->n;
}

static void
strput(Sink *s, char *p, int n)
{
	int k;

	s->n += n;
	k = s->e - s->p;
	if(n > k)
		n = k;
	memmove(s->p, p, n);
	s->p += n;
}

int
vsnprint(char *buf, int len, char *fmt, va_list arg)
{
	Sink s;

	if(len <= 0)
		return 0;
	s.put = strput;
	s.p = buf;
	s.e = buf + len - 1;
	s.n = 0;
	dofmt(&s, fmt, arg);
	*s.p = '\0';
	return s.p - buf;
}

int
snprint(char *buf, int len, char *fmt, ...)
{
	va_list arg;
	int n;

	va_start(arg, fmt);
	n = vsnprint(buf, len, fmt, arg);
	va_end(arg);
	return n;
}

static void
output(Sink *s, char *p, int n)
{
	s->n += n;
	owrite(p, n);
}

int
vprint(char *fmt, va_list arg)
{
	Sink s;

	s.put = output;
	s.n = 0;
	return dofmt(&s, fmt, arg);
}

int
print(char *fmt, ...)
{
	va_list arg;
	int n;

	va_start(arg, fmt);
	n = vprint(fmt, arg);
	va_end(arg);
	return n;
}

int
eprint(char *fmt, ...)
{
	char buf[1024];
	va_list arg;
	int n;

	va_start(arg, fmt);
	n = vsnprint(buf, sizeof buf, fmt, arg);
	va_end(arg);
	return write(2, buf, n);
}
