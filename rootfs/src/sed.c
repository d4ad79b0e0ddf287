#include "lib.h"
#include <regex.h>

/*
 * sed [-n] [-e script] ... [-f file] ... [script] [file ...]
 *
 * The stream editor, with POSIX extended regular expressions (the
 * syntax Plan 9's sed has; -E and -r are accepted and change nothing).
 *
 * Addresses: N, $, /re/ (\cREc with another delimiter), and ranges
 * a1,a2 (a2 may be +N, N lines more); ! negates.  Commands: { } s y p P d D q = a i c r n N g G h H
 * x b t : and #.  s takes flags g, p, N (the Nth match) and i or I.
 * Commands are separated by ; or newlines; a, i and c take text to the
 * end of the line (a text, or a\ then text lines).  As with GNU sed, a
 * last line without a newline is printed without one, and n or N at
 * the end of input quit after printing the pattern space.
 *
 * BUGS: with the g flag, a match after the first does not see the
 * character before it, so \< \> \b and \B may match there wrongly.
 */

typedef struct Str Str;
struct Str {
	char	*s;
	size_t	n, cap;
};

enum { Anone, Aline, Alast, Are, Aplus };

typedef struct Addr Addr;
struct Addr {
	int	type;
	vlong	line;
	regex_t	*re;	/* NULL: the last regular expression used */
};

typedef struct Cmd Cmd;
struct Cmd {
	Addr	a1, a2;
	int	naddr;
	int	neg;
	int	inrange;
	vlong	end;	/* last line of an a1,+N range */
	int	cmd;
	char	*text;	/* a i c r b t :, and s's replacement */
	int	target;	/* b t: the command to go to; {: the one after its } */
	regex_t	*re;	/* s */
	int	global, nth, print;
	uchar	*map;	/* y */
	int	status;	/* q */
};

static Cmd *cmds;
static int ncmds;
static int nflag;
static regex_t *lastre;
static char *script;	/* the whole script, for error messages */
static char *sp;	/* parse position */

static _Noreturn void
bad(char *why)
{
	char *e;
	int n;

	for(e = sp; *e != '\0' && *e != '\n'; e++)
		;
	n = e - script;
	if(n > 60)
		n = 60;
	warn("%s: %.*s", why, n, script);
	exits(1);
}

static Cmd*
newcmd(void)
{
	if(ncmds % 32 == 0)
		cmds = erealloc(cmds, (ncmds + 32) * sizeof cmds[0]);
	memset(&cmds[ncmds], 0, sizeof cmds[0]);
	return &cmds[ncmds++];
}

static void
skipblank(void)
{
	while(*sp == ' ' || *sp == '\t')
		sp++;
}

/*
 * Text up to the unescaped delimiter d, which is consumed.  \d becomes
 * d and \n a newline; with re set, bracket expressions are copied
 * whole and other escapes kept for regcomp, else \\ and \& are kept
 * for the replacement and other escapes dropped.
 */
static char*
delimited(int d, int re)
{
	Str t;
	int c;
	char *start;

	memset(&t, 0, sizeof t);
	t.cap = 64;
	t.s = emalloc(t.cap);
	start = sp;
	for(;;){
		c = *sp++;
		if(c == '\0'){
			sp = start;
			return NULL;
		}
		if(c == d)
			break;
		if(t.n + 8 >= t.cap){
			t.cap *= 2;
			t.s = erealloc(t.s, t.cap);
		}
		if(c == '\\'){
			c = *sp++;
			if(c == '\0'){
				sp = start;
				return NULL;
			}
			if(c == d)
				t.s[t.n++] = c;
			else if(c == 'n')
				t.s[t.n++] = '\n';
			else if(c == '\n' && !re)
				t.s[t.n++] = '\n';
			else if(re || c == '\\' || c == '&' || c >= '0' && c <= '9'){
				t.s[t.n++] = '\\';
				t.s[t.n++] = c;
			}else
				t.s[t.n++] = c;
			continue;
		}
		if(c == '\n' && !re){
			sp = start;
			return NULL;
		}
		t.s[t.n++] = c;
		if(c == '[' && re){
			/* a bracket expression may hold the delimiter */
			if(*sp == '^')
				t.s[t.n++] = *sp++;
			if(*sp == ']')
				t.s[t.n++] = *sp++;
			while(*sp != '\0' && *sp != ']'){
				if(t.n + 8 >= t.cap){
					t.cap *= 2;
					t.s = erealloc(t.s, t.cap);
				}
				if(*sp == '[' && (sp[1] == ':' || sp[1] == '.' || sp[1] == '=')){
					c = sp[1];
					t.s[t.n++] = *sp++;
					t.s[t.n++] = *sp++;
					while(*sp != '\0' && !(sp[0] == c && sp[1] == ']')){
						if(t.n + 8 >= t.cap){
							t.cap *= 2;
							t.s = erealloc(t.s, t.cap);
						}
						t.s[t.n++] = *sp++;
					}
					if(*sp == '\0')
						break;
					t.s[t.n++] = *sp++;
				}
				t.s[t.n++] = *sp++;
			}
			if(*sp == '\0'){
				sp = start;
				return NULL;
			}
			t.s[t.n++] = *sp++;
		}
	}
	t.s[t.n] = '\0';
	return t.s;
}

static regex_t*
compile(char *pat, int icase)
{
	regex_t *re;
	char err[128];
	int r;

	if(pat[0] == '\0')
		return NULL;
	re = emalloc(sizeof *re);
	r = regcomp(re, pat, REG_EXTENDED|(icase ? REG_ICASE : 0));
	if(r != 0){
		regerror(r, re, err, sizeof err);
		warn("bad regular expression %s: %s", pat, err);
		exits(1);
	}
	return re;
}

static int
address(Addr *a)
{
	char *pat;
	int d;

	if(*sp >= '0' && *sp <= '9'){
		a->type = Aline;
		a->line = 0;
		while(*sp >= '0' && *sp <= '9')
			a->line = a->line*10 + *sp++ - '0';
		return 1;
	}
	if(*sp == '$'){
		sp++;
		a->type = Alast;
		return 1;
	}
	if(*sp == '/' || *sp == '\\'){
		d = *sp++;
		if(d == '\\' && ((d = *sp++) == '\0' || d == '\n' || d == '\\'))
			bad("bad address delimiter");
		if((pat = delimited(d, 1)) == NULL)
			bad("unterminated address regex");
		a->type = Are;
		a->re = compile(pat, 0);
		free(pat);
		return 1;
	}
	return 0;
}

/* text for a, i and c, to the end of the line */
static char*
text(void)
{
	Str t;
	int c;

	skipblank();
	if(sp[0] == '\\' && sp[1] == '\n')
		sp += 2;
	else if(sp[0] == '\\')
		sp++;
	memset(&t, 0, sizeof t);
	t.cap = 64;
	t.s = emalloc(t.cap);
	for(;;){
		c = *sp;
		if(c == '\0' || c == '\n')
			break;
		sp++;
		if(c == '\\' && *sp != '\0')
			c = *sp++;
		if(t.n + 2 >= t.cap){
			t.cap *= 2;
			t.s = erealloc(t.s, t.cap);
		}
		t.s[t.n++] = c;
	}
	t.s[t.n] = '\0';
	return t.s;
}

static char*
label(void)
{
	char *s, *e;

	skipblank();
	for(e = sp; *e != '\0' && *e != '\n' && *e != ';' && *e != ' ' && *e != '\t'; e++)
		;
	s = emalloc(e - sp + 1);
	memmove(s, sp, e - sp);
	s[e - sp] = '\0';
	sp = e;
	return s;
}

static void
subst(Cmd *c)
{
	char *pat;
	int d, icase;

	d = *sp++;
	if(d == '\0' || d == '\n' || d == '\\')
		bad("bad delimiter in s command");
	if((pat = delimited(d, 1)) == NULL || (c->text = delimited(d, 0)) == NULL)
		bad("unterminated s command");
	icase = 0;
	c->nth = 1;
	for(;; sp++){
		switch(*sp){
		case 'g':
			c->global = 1;
			continue;
		case 'p':
			c->print = 1;
			continue;
		case 'i':
		case 'I':
			icase = 1;
			continue;
		}
		if(*sp >= '1' && *sp <= '9'){
			c->nth = 0;
			while(*sp >= '0' && *sp <= '9')
				c->nth = c->nth*10 + *sp++ - '0';
			sp--;
			continue;
		}
		break;
	}
	c->re = compile(pat, icase);
	free(pat);
}

static void
translit(Cmd *c)
{
	char *a, *b;
	size_t i, na, nb;
	int d;

	d = *sp++;
	if(d == '\0' || d == '\n' || d == '\\')
		bad("bad delimiter in y command");
	if((a = delimited(d, 0)) == NULL || (b = delimited(d, 0)) == NULL)
		bad("unterminated y command");
	/* delimited keeps \\ for s; y wants one backslash */
	for(na = i = 0; a[i] != '\0'; i++)
		a[na++] = a[i] == '\\' && a[i+1] != '\0' ? a[++i] : a[i];
	for(nb = i = 0; b[i] != '\0'; i++)
		b[nb++] = b[i] == '\\' && b[i+1] != '\0' ? b[++i] : b[i];
	if(na != nb)
		bad("y strings differ in length");
	c->map = emalloc(256);
	for(i = 0; i < 256; i++)
		c->map[i] = i;
	for(i = 0; i < na; i++)
		c->map[(uchar)a[i]] = b[i];
	free(a);
	free(b);
}

static void
parse(void)
{
	Cmd *c;
	int stack[64], depth, i, j;

	depth = 0;
	sp = script;
	for(;;){
		while(*sp == ' ' || *sp == '\t' || *sp == '\n' || *sp == ';')
			sp++;
		if(*sp == '\0')
			break;
		if(*sp == '#'){
			while(*sp != '\0' && *sp != '\n')
				sp++;
			continue;
		}
		c = newcmd();
		if(address(&c->a1)){
			c->naddr = 1;
			if(*sp == ','){
				sp++;
				if(*sp == '+' && sp[1] >= '0' && sp[1] <= '9'){
					sp++;
					address(&c->a2);
					c->a2.type = Aplus;
				}else if(!address(&c->a2))
					bad("bad address");
				c->naddr = 2;
			}
		}
		skipblank();
		while(*sp == '!'){
			c->neg = 1;
			sp++;
			skipblank();
		}
		c->cmd = *sp++;
		switch(c->cmd){
		case '{':
			if(depth == nelem(stack))
				bad("too many {");
			stack[depth++] = ncmds - 1;
			continue;
		case '}':
			if(c->naddr > 0 || c->neg)
				bad("} takes no address");
			if(depth == 0)
				bad("unmatched }");
			cmds[stack[--depth]].target = ncmds;
			break;
		case '=': case 'd': case 'D': case 'g': case 'G': case 'h': case 'H':
		case 'n': case 'N': case 'p': case 'P': case 'x':
			break;
		case 'q':
			skipblank();
			while(*sp >= '0' && *sp <= '9')
				c->status = c->status*10 + *sp++ - '0';
			break;
		case 'a': case 'i': case 'c':
			c->text = text();
			continue;
		case 'r':
			c->text = text();
			if(c->text[0] == '\0')
				bad("r needs a file name");
			continue;
		case ':':
			if(c->naddr > 0)
				bad(": takes no address");
			c->text = label();
			if(c->text[0] == '\0')
				bad("missing label");
			break;
		case 'b': case 't':
			c->text = label();
			break;
		case 's':
			subst(c);
			break;
		case 'y':
			translit(c);
			break;
		case '\0':
			sp--;
			bad("missing command");
		default:
			sp--;
			bad("unknown command");
		}
		skipblank();
		if(*sp == '#' || *sp == '}')
			continue;
		if(*sp != '\0' && *sp != ';' && *sp != '\n')
			bad("extra characters after command");
	}
	if(depth > 0)
		bad("unmatched {");
	/* resolve branches; no label means the end of the script */
	for(i = 0; i < ncmds; i++){
		c = &cmds[i];
		if(c->cmd != 'b' && c->cmd != 't')
			continue;
		c->target = ncmds;
		if(c->text[0] == '\0')
			continue;
		for(j = 0; j < ncmds; j++)
			if(cmds[j].cmd == ':' && strcmp(cmds[j].text, c->text) == 0)
				break;
		if(j == ncmds){
			warn("undefined label: %s", c->text);
			exits(1);
		}
		c->target = j;
	}
}

/* input: the files in turn, read a line ahead to know which is last */
static char **files;
static int nfiles;
static int infd = -1;
static Bin in;
static int status;

static int
advance(void)
{
	char *name;

	for(;;){
		if(infd >= 0){
			if(bpeek(&in) >= 0)
				return 1;
			if(in.err){
				errno = in.err;
				warn("%s: %r", files[-1]);
				status = 2;
			}
			bterm(&in);
			closein(infd);
			infd = -1;
		}
		if(nfiles == 0)
			return 0;
		name = *files++;
		nfiles--;
		if((infd = openin(name)) < 0){
			warn("%s: %r", name);
			status = 2;
			continue;
		}
		binit(&in, infd);
	}
}

static Str ps, hs, out;
static vlong lineno;
static int lastnl = 1;	/* the line just read ended in a newline */
static int missingnl;	/* output so far ends without one */
static int tflag;

static void
strput(Str *s, char *p, size_t n)
{
	if(s->n + n + 1 > s->cap){
		while(s->n + n + 1 > s->cap)
			s->cap = s->cap ? s->cap * 2 : 256;
		s->s = erealloc(s->s, s->cap);
	}
	memmove(s->s + s->n, p, n);
	s->n += n;
	s->s[s->n] = '\0';
}

static void
strset(Str *s, char *p, size_t n)
{
	s->n = 0;
	strput(s, p, n);
}

static int
readline(Str *s)
{
	char *p;
	size_t n;

	if(!advance())
		return 0;
	p = bline(&in, &n, &lastnl);
	strput(s, p, n);
	lineno++;
	tflag = 0;
	return 1;
}

static int
islast(void)
{
	return !advance();
}

static void
emit(char *p, size_t n, int nl)
{
	if(missingnl)
		oputc('\n');
	owrite(p, n);
	if(nl)
		oputc('\n');
	missingnl = !nl;
}

/* the a and r output, written at the end of the cycle */
static Cmd **queue;
static int nqueue;

static void
flushqueue(void)
{
	static char buf[8192];
	ssize_t n;
	int i, fd;

	for(i = 0; i < nqueue; i++){
		if(queue[i]->cmd == 'a'){
			emit(queue[i]->text, strlen(queue[i]->text), 1);
			continue;
		}
		if((fd = open(queue[i]->text, O_RDONLY)) < 0)
			continue;	/* as POSIX has it: a missing file adds nothing */
		while((n = read(fd, buf, sizeof buf)) > 0){
			if(missingnl)
				oputc('\n');
			owrite(buf, n);
			missingnl = buf[n-1] != '\n';
		}
		close(fd);
	}
	nqueue = 0;
}

static int
rematch(regex_t *re, char *s, size_t nm, regmatch_t *m, int flags)
{
	if(re == NULL)
		re = lastre;
	if(re == NULL){
		warn("no previous regular expression");
		exits(1);
	}
	lastre = re;
	return regexec(re, s, nm, m, flags) == 0;
}

static int
match1(Addr *a)
{
	switch(a->type){
	case Aline:
		return lineno == a->line;
	case Alast:
		return islast();
	case Are:
		return rematch(a->re, ps.s, 0, NULL, 0);
	}
	return 0;
}

static int
selected(Cmd *c)
{
	int r;

	if(c->naddr == 0)
		return !c->neg;
	if(c->naddr == 1)
		return match1(&c->a1) != c->neg;
	if(!c->inrange){
		r = match1(&c->a1);
		c->end = c->a2.type == Aplus ? lineno + c->a2.line : c->a2.line;
		if(r && !((c->a2.type == Aline || c->a2.type == Aplus) && c->end <= lineno) && !(c->a2.type == Alast && islast()))
			c->inrange = 1;
	}else{
		r = 1;
		if(c->a2.type == Aline || c->a2.type == Aplus ? lineno >= c->end : match1(&c->a2))
			c->inrange = 0;
	}
	return r != c->neg;
}

static void
replace(Str *o, char *rep, char *s, regmatch_t *m)
{
	char *p;
	int g;

	for(p = rep; *p != '\0'; p++){
		if(*p == '&'){
			strput(o, s + m[0].rm_so, m[0].rm_eo - m[0].rm_so);
			continue;
		}
		if(*p == '\\' && p[1] != '\0'){
			p++;
			if(*p >= '0' && *p <= '9'){
				g = *p - '0';
				if(m[g].rm_so >= 0)
					strput(o, s + m[g].rm_so, m[g].rm_eo - m[g].rm_so);
				continue;
			}
		}
		strput(o, p, 1);
	}
}

/* s: 1 if something was replaced */
static int
substitute(Cmd *c)
{
	regmatch_t m[10];
	size_t pos, so, eo, prevend;
	int count, done, i;

	out.n = 0;
	pos = 0;
	prevend = (size_t)-1;
	count = 0;
	done = 0;
	while(pos <= ps.n){
		if(!rematch(c->re, ps.s + pos, nelem(m), m, pos > 0 ? REG_NOTBOL : 0))
			break;
		so = pos + m[0].rm_so;
		eo = pos + m[0].rm_eo;
		if(so == eo && so == prevend){
			/* an empty match right after the last match does not count */
			if(so >= ps.n)
				break;
			strput(&out, ps.s + pos, so + 1 - pos);
			pos = so + 1;
			continue;
		}
		count++;
		strput(&out, ps.s + pos, so - pos);
		if(count >= c->nth){
			for(i = 0; i < (int)nelem(m); i++)
				if(m[i].rm_so >= 0){
					m[i].rm_so += pos;
					m[i].rm_eo += pos;
				}
			replace(&out, c->text, ps.s, m);
			done = 1;
		}else
			strput(&out, ps.s + so, eo - so);
		prevend = eo;
		pos = eo;
		if(so == eo){
			if(so < ps.n)
				strput(&out, ps.s + so, 1);
			pos = so + 1;
		}
		if(done && !c->global)
			break;
	}
	if(!done)
		return 0;
	if(pos < ps.n)
		strput(&out, ps.s + pos, ps.n - pos);
	strset(&ps, out.s, out.n);
	return 1;
}

enum { Next, Delete, Quit };

/* run the script on the pattern space */
static int
cycle(int *restart)
{
	Cmd *c;
	char *nl;
	size_t i;
	int pc;

	*restart = 0;
	for(pc = 0; pc < ncmds; pc++){
		c = &cmds[pc];
		if(c->cmd == '}' || c->cmd == ':')
			continue;
		if(!selected(c)){
			if(c->cmd == '{')
				pc = c->target - 1;
			continue;
		}
		switch(c->cmd){
		case '{':
			break;
		case '=':
			if(missingnl)
				oputc('\n');
			missingnl = 0;
			print("%lld\n", lineno);
			break;
		case 'a':
		case 'r':
			if(nqueue % 16 == 0)
				queue = erealloc(queue, (nqueue + 16) * sizeof queue[0]);
			queue[nqueue++] = c;
			break;
		case 'i':
			emit(c->text, strlen(c->text), 1);
			break;
		case 'c':
			if(c->naddr < 2 || c->neg || !c->inrange)
				emit(c->text, strlen(c->text), 1);
			return Delete;
		case 'd':
			return Delete;
		case 'D':
			if((nl = memchr(ps.s, '\n', ps.n)) == NULL)
				return Delete;
			i = nl + 1 - ps.s;
			memmove(ps.s, ps.s + i, ps.n - i + 1);
			ps.n -= i;
			*restart = 1;
			return Delete;
		case 'g':
			strset(&ps, hs.s ? hs.s : "", hs.n);
			break;
		case 'G':
			strput(&ps, "\n", 1);
			strput(&ps, hs.s ? hs.s : "", hs.n);
			break;
		case 'h':
			strset(&hs, ps.s, ps.n);
			break;
		case 'H':
			strput(&hs, "\n", 1);
			strput(&hs, ps.s, ps.n);
			break;
		case 'x':
			out = ps;
			ps = hs;
			hs = out;
			memset(&out, 0, sizeof out);
			if(ps.s == NULL)
				strset(&ps, "", 0);
			break;
		case 'n':
			if(islast())
				return Quit;
			if(!nflag)
				emit(ps.s, ps.n, lastnl);
			flushqueue();
			ps.n = 0;
			readline(&ps);
			break;
		case 'N':
			if(islast())
				return Quit;
			flushqueue();
			strput(&ps, "\n", 1);
			readline(&ps);
			break;
		case 'p':
			emit(ps.s, ps.n, 1);
			break;
		case 'P':
			nl = memchr(ps.s, '\n', ps.n);
			emit(ps.s, nl ? (size_t)(nl - ps.s) : ps.n, 1);
			break;
		case 'q':
			status = c->status;
			return Quit;
		case 's':
			if(substitute(c)){
				tflag = 1;
				if(c->print)
					emit(ps.s, ps.n, 1);
			}
			break;
		case 'y':
			for(i = 0; i < ps.n; i++)
				ps.s[i] = c->map[(uchar)ps.s[i]];
			break;
		case 't':
			if(!tflag)
				break;
			tflag = 0;
			pc = c->target - 1;
			break;
		case 'b':
			pc = c->target - 1;
			break;
		}
	}
	return Next;
}

static void
usage(void)
{
	usage1("[-n] [-e script] [-f file] [script] [file ...]");
}

static Str scr;

static void
addscript(char *s, size_t n)
{
	if(scr.n > 0)
		strput(&scr, "\n", 1);
	strput(&scr, s, n);
}

static void
scriptfile(char *name)
{
	char buf[4096];
	ssize_t n;
	int fd;
	Str t;

	if((fd = openin(name)) < 0)
		fatal("%s: %r", name);
	memset(&t, 0, sizeof t);
	while((n = read(fd, buf, sizeof buf)) > 0)
		strput(&t, buf, n);
	if(n < 0)
		fatal("%s: %r", name);
	closein(fd);
	addscript(t.s ? t.s : "", t.n);
	free(t.s);
}

int
main(int argc, char **argv)
{
	char *s;
	int r, restart, given;

	argv0 = "sed";
	given = 0;
	ARGBEGIN{
	case 'n':
		nflag = 1;
		break;
	case 'E':
	case 'r':
		break;
	case 'e':
		s = EARGF(usage());
		addscript(s, strlen(s));
		given = 1;
		break;
	case 'f':
		scriptfile(EARGF(usage()));
		given = 1;
		break;
	default:
		usage();
	}ARGEND
	if(!given){
		if(argc == 0)
			usage();
		addscript(argv[0], strlen(argv[0]));
		argc--;
		argv++;
	}
	script = scr.s ? scr.s : "";
	parse();

	if(argc == 0){
		static char *stdinv[] = { "-" };

		files = stdinv;
		nfiles = 1;
	}else{
		files = argv;
		nfiles = argc;
	}
	strset(&ps, "", 0);
	restart = 0;
	for(;;){
		if(!restart){
			ps.n = 0;
			if(!readline(&ps))
				break;
		}
		r = cycle(&restart);
		if(r != Delete && !nflag)
			emit(ps.s, ps.n, lastnl);
		flushqueue();
		if(r == Quit)
			break;
	}
	exits(status);
}
