#include "lib.h"

/*
 * rm [-fr] name ...: remove files and empty directories (as Plan 9's
 * remove does); -r removes directories with their contents; -f keeps
 * quiet about names that do not exist, and the status with them.
 */

static int fflag, rflag, status;

static void
rm(char *path)
{
	struct stat st;
	char **names, *p;
	int i, n, isdir;

	if(unlink(path) == 0)
		return;
	if(errno == ENOENT){
		if(!fflag){
			warn("%s: %r", path);
			status = 1;
		}
		return;
	}
	isdir = stat(path, &st) == 0 && S_ISDIR(st.st_mode);
	if(!isdir){
		warn("%s: %r", path);
		status = 1;
		return;
	}
	if(rflag){
		if((names = dirnames(path, &n)) == NULL){
			warn("%s: %r", path);
			status = 1;
			return;
		}
		for(i = 0; i < n; i++){
			p = pathjoin(path, names[i]);
			rm(p);
			free(p);
		}
		free(names);
	}
	if(rmdir(path) < 0){
		warn("%s: %r", path);
		status = 1;
	}
}

int
main(int argc, char **argv)
{
	argv0 = "rm";
	ARGBEGIN{
	case 'f':
		fflag = 1;
		break;
	case 'r':
		rflag = 1;
		break;
	default:
		usage1("[-fr] name ...");
	}ARGEND
	if(argc == 0 && !fflag)
		usage1("[-fr] name ...");
	for(; argc > 0; argc--, argv++)
		rm(argv[0]);
	exits(status);
}
