#include "lib.h"

/*
 * test expr: status 0 if expr is true, 1 if false, 2 if it is bad.
 *
 *	expr := and [-o expr]
 *	and := not [-a and]
 *	not := ! not | ( expr ) | primary
 *	primary := -e|-f|-d|-s|-r|-w|-x|-z|-n arg | arg op arg | arg
 *
 * with op one of = != -eq -ne -lt -le -gt -ge -nt -ot.  A word that
 * could be an operator is a plain string where nothing follows it.
 * WASI has no execute permission: -x holds for whatever exists.
 */

static char **tok;
static int ntok, pos;

static _Noreturn void
bad(char *why, char *arg)
{
	if(arg != NULL)
		warn("%s: %s", why, arg);
	else
		warn("%s", why);
	exits(2);
}

static char*
peek(int i)
{
	return pos + i < ntok ? tok[pos + i] : NULL;
}

static char*
next(void)
{
	if(pos >= ntok)
		bad("argument expected", NULL);
	return tok[pos++];
}

static int
isunary(char *s)
{
	return s[0] == '-' && s[1] != '\0' && s[2] == '\0' && strchr("efdsrwxznhL", s[1]) != NULL;
}

static char *binops[] = {
	"=", "!=", "-eq", "-ne", "-lt", "-le", "-gt", "-ge", "-nt", "-ot",
};

static int
binop(char *s)
{
	int i;

	if(s == NULL)
		return -1;
	for(i = 0; i < (int)(sizeof binops / sizeof binops[0]); i++)
		if(strcmp(s, binops[i]) == 0)
			return i;
	return -1;
}

static vlong
num(char *s)
{
	vlong v;
	char *p;

	for(p = s; *p == ' ' || *p == '\t'; p++)
		;
	if(!parsenum(p, &v))
		bad("bad number", s);
	return v;
}

static int
unary(int op, char *arg)
{
	struct stat st;

	switch(op){
	case 'z':
		return arg[0] == '\0';
	case 'n':
		return arg[0] != '\0';
	case 'h':
	case 'L':
		return lstat(arg, &st) == 0 && S_ISLNK(st.st_mode);
	}
	if(stat(arg, &st) < 0)
		return 0;
	switch(op){
	case 'e':
		return 1;
	case 'f':
		return S_ISREG(st.st_mode);
	case 'd':
		return S_ISDIR(st.st_mode);
	case 's':
		return st.st_size > 0;
	case 'r':
		return access(arg, R_OK) == 0;
	case 'w':
		return access(arg, W_OK) == 0;
	case 'x':
		return access(arg, X_OK) == 0;
	}
	return 0;
}

static vlong
mtime(char *s, int *ok)
{
	struct stat st;

	*ok = stat(s, &st) == 0;
	return *ok ? (vlong)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec : 0;
}

static int
binary(int op, char *a, char *b)
{
	vlong x, y;
	int oka, okb;

	switch(op){
	case 0:
		return strcmp(a, b) == 0;
	case 1:
		return strcmp(a, b) != 0;
	case 8:
	case 9:
		x = mtime(a, &oka);
		y = mtime(b, &okb);
		if(op == 8)
			return oka && (!okb || x > y);
		return okb && (!oka || x < y);
	}
	x = num(a);
	y = num(b);
	switch(op){
	case 2: return x == y;
	case 3: return x != y;
	case 4: return x < y;
	case 5: return x <= y;
	case 6: return x > y;
	case 7: return x >= y;
	}
	return 0;
}

static int expr(void);

static int
primary(void)
{
	char *s;
	int op, v;

	s = next();
	if((op = binop(peek(0))) >= 0 && peek(1) != NULL){
		pos++;
		return binary(op, s, next());
	}
	if(strcmp(s, "!") == 0 && peek(0) != NULL)
		return !primary();
	if(strcmp(s, "(") == 0 && peek(0) != NULL){
		v = expr();
		if(peek(0) == NULL || strcmp(next(), ")") != 0)
			bad("')' expected", NULL);
		return v;
	}
	if(isunary(s) && peek(0) != NULL)
		return unary(s[1], next());
	return s[0] != '\0';
}

static int
and(void)
{
	int v;

	v = primary();
	while(peek(0) != NULL && strcmp(peek(0), "-a") == 0){
		pos++;
		v = primary() & v;
	}
	return v;
}

static int
expr(void)
{
	int v;

	v = and();
	while(peek(0) != NULL && strcmp(peek(0), "-o") == 0){
		pos++;
		v = and() | v;
	}
	return v;
}

int
main(int argc, char **argv)
{
	int v;

	argv0 = "test";
	tok = argv + 1;
	ntok = argc - 1;
	if(ntok == 0)
		exits(1);
	v = expr();
	if(pos < ntok)
		bad("unexpected argument", tok[pos]);
	exits(!v);
}
