#include "lib.h"

void*
emalloc(size_t n)
{
	void *p;

	p = malloc(n ? n : 1);
	if(p == NULL)
		fatal("out of memory");
	return p;
}

void*
erealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if(p == NULL)
		fatal("out of memory");
	return p;
}

char*
estrdup(char *s)
{
	size_t n;

	n = strlen(s) + 1;
	return memcpy(emalloc(n), s, n);
}

/* 1 if s is all of a decimal integer, with an optional sign */
int
parsenum(char *s, vlong *v)
{
	uvlong n;
	int neg;

	neg = 0;
	if(*s == '-' || *s == '+')
		neg = *s++ == '-';
	if(*s < '0' || *s > '9')
		return 0;
	n = 0;
	for(; *s >= '0' && *s <= '9'; s++){
		if(n > (uvlong)INT64_MAX / 10)
			return 0;
		n = n*10 + *s - '0';
		if(n > (uvlong)INT64_MAX + neg)
			return 0;
	}
	if(*s != '\0')
		return 0;
	*v = neg ? -(vlong)(n - 1) - 1 : (vlong)n;
	return 1;
}

/* the last element of a path, ignoring trailing slashes; may return a pointer into s */
char*
basename1(char *s)
{
	char *e, *p;
	static char buf[256];
	size_t n;

	e = s + strlen(s);
	while(e > s + 1 && e[-1] == '/')
		e--;
	for(p = e; p > s && p[-1] != '/'; p--)
		;
	if(*e == '\0')
		return p;
	n = e - p;
	if(n >= sizeof buf)
		n = sizeof buf - 1;
	memmove(buf, p, n);
	buf[n] = '\0';
	return buf;
}

char*
pathjoin(char *dir, char *name)
{
	size_t d, n;
	char *p;

	d = strlen(dir);
	n = strlen(name);
	p = emalloc(d + n + 2);
	memmove(p, dir, d);
	if(d > 0 && dir[d-1] != '/')
		p[d++] = '/';
	memmove(p + d, name, n + 1);
	return p;
}
