#include "lib.h"

/*
 * xargs [-t] [-n n] [command [arg ...]]: run command (echo by default)
 * with the words of standard input appended, at most n words a run.
 * Words are split at blanks and newlines; quotes ('' "") and
 * backslash keep blanks in a word.  -t prints each command line on
 * standard error first.
 *
 * The command runs as a child VM (goblin.spawn, the one call Goblin adds
 * to WASI preview 1) with this program's namespace, environment and
 * standard files; xargs waits for it.  echo is built in.
 */

__attribute__((import_module("goblin"), import_name("spawn")))
int goblin_spawn(const char *argv, size_t len);

enum { Maxbytes = 64*1024 };

static char **av;
static int nav, capav, nfixed;
static char *word;
static size_t nword, capword;
static int tflag;
static vlong maxn;
static int status;	/* 123 once a command has failed, as POSIX says */

static void
addarg(char *s)
{
	if(nav + 1 >= capav){
		capav = capav ? capav * 2 : 64;
		av = erealloc(av, capav * sizeof av[0]);
	}
	av[nav++] = s;
	av[nav] = NULL;
}

static void
wordc(int c)
{
	if(nword + 1 >= capword){
		capword = capword ? capword * 2 : 128;
		word = erealloc(word, capword);
	}
	word[nword++] = c;
}

/* the words NUL-separated, as goblin.spawn takes them; its status, or 126/127 */
static int
spawn(void)
{
	char *buf;
	size_t len, n;
	int i, r;

	len = 0;
	for(i = 0; i < nav; i++)
		len += strlen(av[i]) + 1;
	buf = emalloc(len);
	n = 0;
	for(i = 0; i < nav; i++){
		memcpy(buf + n, av[i], strlen(av[i]) + 1);
		n += strlen(av[i]) + 1;
	}
	oflush();
	r = goblin_spawn(buf, len);
	free(buf);
	if(r < 0){
		errno = -r;
		warn("%s: %r", av[0]);
		return errno == ENOENT ? 127 : 126;
	}
	return r;
}

static int
run(void)
{
	int i;

	if(tflag){
		char line[1024];
		int n;

		n = 0;
		for(i = 0; i < nav && n < (int)sizeof line - 1; i++)
			n += snprint(line + n, sizeof line - n, i ? " %s" : "%s", av[i]);
		oflush();
		eprint("%s\n", line);
	}
	if(strcmp(av[0], "echo") == 0){
		for(i = 1; i < nav; i++){
			if(i > 1)
				oputc(' ');
			oputs(av[i]);
		}
		oputc('\n');
		return 0;
	}
	return spawn();
}

static void
flush(void)
{
	int i;

	int r;

	if(nav == nfixed)
		return;
	r = run();
	if(r == 126 || r == 127)
		exits(r);	/* the command cannot run: stop */
	if(r != 0)
		status = 123;
	for(i = nfixed; i < nav; i++)
		free(av[i]);
	nav = nfixed;
}

static void
endword(void)
{
	wordc('\0');
	addarg(estrdup(word));
	nword = 0;
	if(maxn > 0 && nav - nfixed >= maxn)
		flush();
}

int
main(int argc, char **argv)
{
	Bin b;
	int c, quote, inword, i;
	char *s;

	argv0 = "xargs";
	ARGBEGIN{
	case 'n':
		s = EARGF(usage1("[-t] [-n n] [command [arg ...]]"));
		if(!parsenum(s, &maxn) || maxn < 1)
			fatal("bad count: %s", s);
		break;
	case 't':
		tflag = 1;
		break;
	default:
		usage1("[-t] [-n n] [command [arg ...]]");
	}ARGEND
	if(argc == 0)
		addarg("echo");
	for(i = 0; i < argc; i++)
		addarg(argv[i]);
	nfixed = nav;

	binit(&b, 0);
	quote = 0;
	inword = 0;
	while((c = bpeek(&b)) >= 0){
		b.rp++;
		if(quote){
			if(c == quote)
				quote = 0;
			else if(c == '\n')
				fatal("unmatched %c", quote);
			else
				wordc(c);
			continue;
		}
		switch(c){
		case ' ':
		case '\t':
		case '\n':
			if(inword)
				endword();
			inword = 0;
			break;
		case '\'':
		case '"':
			quote = c;
			inword = 1;
			break;
		case '\\':
			if((c = bpeek(&b)) >= 0){
				b.rp++;
				wordc(c);
			}
			inword = 1;
			break;
		default:
			wordc(c);
			inword = 1;
		}
	}
	if(quote)
		fatal("unmatched %c", quote);
	if(b.err){
		errno = b.err;
		fatal("<stdin>: %r");
	}
	if(inword)
		endword();
	flush();
	exits(status);
}
