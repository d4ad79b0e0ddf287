#include "lib.h"

/*
 * du [-as] [name ...]: disk usage in KiB, each file's length rounded
 * up to a whole KiB, for every directory (after its contents), or for
 * every file too (-a), or only a total for each name (-s).  Directories
 * themselves count nothing, so totals do not depend on the host.
 * Symbolic links are not followed.
 */

static int aflag, sflag, status;

static uvlong
kib(vlong n)
{
	return (n + 1023) / 1024;
}

static uvlong
du(char *path, int top)
{
	struct stat st;
	char **names, *p;
	uvlong total;
	int i, n;

	if(lstat(path, &st) < 0){
		warn("%s: %r", path);
		status = 1;
		return 0;
	}
	if(!S_ISDIR(st.st_mode)){
		total = kib(st.st_size);
		if(aflag && !sflag || top)
			print("%llu\t%s\n", total, path);
		return total;
	}
	if((names = dirnames(path, &n)) == NULL){
		warn("%s: %r", path);
		status = 1;
		return 0;
	}
	total = 0;
	for(i = 0; i < n; i++){
		p = pathjoin(path, names[i]);
		total += du(p, 0);
		free(p);
	}
	free(names);
	if(!sflag || top)
		print("%llu\t%s\n", total, path);
	return total;
}

int
main(int argc, char **argv)
{
	argv0 = "du";
	ARGBEGIN{
	case 'a':
		aflag = 1;
		break;
	case 's':
		sflag = 1;
		break;
	default:
		usage1("[-as] [name ...]");
	}ARGEND
	if(argc == 0)
		du(".", 1);
	for(; argc > 0; argc--, argv++)
		du(argv[0], 1);
	exits(status);
}
