#include "lib.h"

/*
 * ls [-adFlnprst] [name ...]: list files, and the contents of
 * directories (of the directories themselves with -d), as Plan 9's ls
 * does: one a line, entries of a directory argument printed as
 * dir/name (-p: name alone), everything sorted together by name
 * (-t: newest first; -r reverses, -n leaves the order alone).  Dot
 * files are not hidden; -a is accepted for habit's sake.
 *
 * -l: mode, size, modification time (GMT) and name.  WASI's stat
 * has no permission bits: they come from goblin.mode, the call
 * Goblin adds for them.
 * -s: size in KiB first.  -F: a slash after directories.
 */

/* the permission bits of the file at an absolute path, or -errno */
__attribute__((import_module("goblin"), import_name("mode")))
int goblin_mode(const char *path, size_t len);

typedef struct Ent Ent;
struct Ent {
	char	*name;	/* as printed */
	struct stat	st;
};

static int dflag, Fflag, lflag, nflag, pflag, rflag, sflag, tflag;
static int needstat;
static Ent *ents;
static size_t nents, capents;
static vlong now;

/* st's permission bits, which WASI's stat leaves out */
static void
perms(char *path, struct stat *st)
{
	char cwd[1024], *full;
	int m;

	full = path;
	if(path[0] != '/'){
		if(getcwd(cwd, sizeof cwd) == NULL)
			return;
		full = pathjoin(cwd, path);
	}
	m = goblin_mode(full, strlen(full));
	if(m >= 0)
		st->st_mode |= m & 0777;
	if(full != path)
		free(full);
}

static void
add(char *name, struct stat *st)
{
	if(nents == capents){
		capents = capents ? capents * 2 : 64;
		ents = erealloc(ents, capents * sizeof ents[0]);
	}
	ents[nents].name = name;
	ents[nents].st = *st;
	nents++;
}

static int
ls(char *arg, int prefix)
{
	struct stat st;
	char **names;
	int i, n;

	if(stat(arg, &st) < 0){
		warn("%s: %r", arg);
		return 1;
	}
	if(!S_ISDIR(st.st_mode) || dflag){
		if(lflag)
			perms(arg, &st);
		add(arg, &st);
		return 0;
	}
	if((names = dirnames(arg, &n)) == NULL){
		warn("%s: %r", arg);
		return 1;
	}
	for(i = 0; i < n; i++){
		char *path;

		path = pathjoin(arg, names[i]);
		if(needstat && stat(path, &st) < 0 && lstat(path, &st) < 0){
			warn("%s: %r", path);
			free(path);
			continue;
		}
		if(lflag)
			perms(path, &st);
		add(prefix ? path : estrdup(names[i]), &st);
		if(!prefix)
			free(path);
	}
	free(names);
	return 0;
}

static int
entcmp(const void *va, const void *vb)
{
	const Ent *a, *b;
	int c;

	a = va;
	b = vb;
	c = 0;
	if(tflag){
		if(a->st.st_mtim.tv_sec != b->st.st_mtim.tv_sec)
			c = a->st.st_mtim.tv_sec > b->st.st_mtim.tv_sec ? -1 : 1;
		else if(a->st.st_mtim.tv_nsec != b->st.st_mtim.tv_nsec)
			c = a->st.st_mtim.tv_nsec > b->st.st_mtim.tv_nsec ? -1 : 1;
	}
	if(c == 0)
		c = strcmp(a->name, b->name);
	return rflag ? -c : c;
}

static char
typechar(mode_t m)
{
	if(S_ISDIR(m))
		return 'd';
	if(S_ISLNK(m))
		return 'l';
	if(S_ISCHR(m))
		return 'c';
	if(S_ISBLK(m))
		return 'b';
	if(S_ISFIFO(m))
		return 'p';
	if(S_ISSOCK(m))
		return 's';
	return '-';
}

static void
longinfo(Ent *e, int wsize)
{
	char mode[11];
	Tm tm;
	vlong t;
	int i;

	mode[0] = typechar(e->st.st_mode);
	for(i = 0; i < 9; i++)
		mode[1+i] = e->st.st_mode & (0400 >> i) ? "rwx"[i%3] : '-';
	mode[10] = '\0';
	t = e->st.st_mtim.tv_sec;
	gmt(t, &tm);
	print("%s %*lld %s %2d ", mode, wsize, (vlong)e->st.st_size, monthname[tm.mon], tm.mday);
	if(t > now - 180*86400LL && t < now + 86400)
		print("%02d:%02d ", tm.hour, tm.min);
	else
		print("%5lld ", tm.year);
}

static int
width(vlong v)
{
	int w;

	for(w = 1; v >= 10; v /= 10)
		w++;
	return w;
}

static void
usage(void)
{
	usage1("[-adFlnprst] [name ...]");
}

int
main(int argc, char **argv)
{
	size_t i;
	int status, wsize, wblk, w;
	char *name;
	Ent *e;

	argv0 = "ls";
	ARGBEGIN{
	case 'a':
		break;
	case 'd':
		dflag = 1;
		break;
	case 'F':
		Fflag = 1;
		break;
	case 'l':
		lflag = 1;
		break;
	case 'n':
		nflag = 1;
		break;
	case 'p':
		pflag = 1;
		break;
	case 'r':
		rflag = 1;
		break;
	case 's':
		sflag = 1;
		break;
	case 't':
		tflag = 1;
		break;
	default:
		usage();
	}ARGEND
	needstat = lflag || Fflag || sflag || tflag;
	now = nsnow() / 1000000000;
	status = 0;
	if(argc == 0)
		status |= ls(".", 0);
	for(; argc > 0; argc--, argv++)
		status |= ls(argv[0], strcmp(argv[0], ".") != 0);
	if(!nflag)
		qsort(ents, nents, sizeof ents[0], entcmp);

	wsize = wblk = 1;
	for(i = 0; i < nents; i++){
		if((w = width(ents[i].st.st_size)) > wsize)
			wsize = w;
		if((w = width((ents[i].st.st_size + 1023) / 1024)) > wblk)
			wblk = w;
	}
	for(i = 0; i < nents; i++){
		e = &ents[i];
		if(sflag)
			print("%*lld ", wblk, (vlong)(e->st.st_size + 1023) / 1024);
		if(lflag)
			longinfo(e, wsize);
		name = pflag ? basename1(e->name) : e->name;
		oputs(name);
		if(Fflag && S_ISDIR(e->st.st_mode))
			oputc('/');
		oputc('\n');
	}
	exits(status);
}
