/*
 * The userland's shared library: option parsing in the manner of
 * Plan 9's ARGBEGIN, error text, a small formatter (print) with a
 * buffered standard output, and a line reader.  No stdio: it costs
 * about 25 KiB per binary and these tools want to stay small.
 *
 * Every tool ends through exits(), which flushes standard output.
 */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <string.h>
#include <stdlib.h>
#include <sys/stat.h>

typedef long long vlong;
typedef unsigned long long uvlong;
typedef unsigned char uchar;

/*
 * Options.  A tool sets argv0 to its own name before ARGBEGIN, so
 * messages do not depend on how the runtime spelled argv[0].
 *
 *	ARGBEGIN{
 *	case 'n':
 *		n = atoi(EARGF(usage()));
 *		break;
 *	default:
 *		usage();
 *	}ARGEND
 *
 * Flags may be grouped (-ln); a flag's value is the rest of its word
 * or the next word; "--" ends the flags, as does a lone "-".
 * Afterwards argv/argc hold the operands only.
 */
extern char *argv0;
extern char *argv_;
char *argval(char **, int *, char ***);

#define	ARGBEGIN \
	for(argv0 = argv0 ? argv0 : argv[0], argc--, argv++; \
	    argc > 0 && argv[0][0] == '-' && argv[0][1] != '\0'; argc--, argv++){ \
		char *argp_ = argv[0] + 1; \
		int argc_; \
		if(argp_[0] == '-' && argp_[1] == '\0'){ \
			argc--; \
			argv++; \
			break; \
		} \
		while((argc_ = *argp_++) != '\0') \
			switch(argc_)
#define	ARGEND	}
#define	ARGC()	argc_
#define	ARGF()	argval(&argp_, &argc, &argv)
#define	EARGF(x)	((argv_ = ARGF()) != NULL ? argv_ : ((x), (char*)NULL))

/* errors; print's %r verb formats errtext(errno) */
char *errtext(int);
void warn(char *, ...);
_Noreturn void fatal(char *, ...);
_Noreturn void usage1(char *);	/* "usage: argv0 ARGS", exits 2 */

/* output, buffered, to ofd (1 unless a tool changes it) */
extern int ofd;
int print(char *, ...);
int vprint(char *, va_list);
int eprint(char *, ...);	/* to standard error, unbuffered */
int snprint(char *, int, char *, ...);
int vsnprint(char *, int, char *, va_list);
void oputc(int);
void owrite(void *, size_t);
void oputs(char *);
void oflush(void);
_Noreturn void exits(int);

/* input: lines of any length, read through a growing buffer */
typedef struct Bin Bin;
struct Bin {
	int	fd;
	uchar	*buf;
	size_t	cap;
	size_t	rp;	/* next unread byte */
	size_t	wp;	/* end of buffered bytes */
	int	eof;
	int	err;	/* errno of a failed read, else 0 */
};
void binit(Bin *, int);
void bterm(Bin *);
char *bline(Bin *, size_t *, int *);
int bpeek(Bin *);
int openin(char *);	/* "-" is standard input */
void closein(int);
int readerr(int);	/* errno to report for a failed read on fd */

/* memory */
void *emalloc(size_t);
void *erealloc(void *, size_t);
char *estrdup(char *);

/* directories and files */
char **dirnames(char *, int *);
int isdir(char *);
int copyfile(char *, char *);

/* time, GMT only */
typedef struct Tm Tm;
struct Tm {
	int	sec, min, hour;
	int	mday, mon, wday;	/* mon 0-11, wday 0 is Sunday */
	vlong	year;
};
void gmt(vlong, Tm *);
vlong nsnow(void);
extern char *monthname[12];
extern char *dayname[7];

/* misc */
#define	nelem(x)	(sizeof(x)/sizeof((x)[0]))
int parsenum(char *, vlong *);	/* whole word is a decimal integer */
char *basename1(char *);
char *pathjoin(char *, char *);	/* malloc'd dir/name */
