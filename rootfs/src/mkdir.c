#include "lib.h"

/* mkdir [-p] dir ...: make directories; -p makes parents too, and an existing directory is no error */

static int pflag;

static int
mkdir1(char *path)
{
	char *p;
	int e;

	if(mkdir(path, 0777) == 0)
		return 0;
	if(!pflag)
		goto bad;
	if(errno == EEXIST && isdir(path))
		return 0;
	if(errno != ENOENT)
		goto bad;
	/* make each missing parent, then try again */
	for(p = path + 1; *p != '\0'; p++){
		if(*p != '/' || p[-1] == '/')
			continue;
		*p = '\0';
		e = mkdir(path, 0777) < 0 && !(errno == EEXIST && isdir(path));
		if(e){
			warn("%s: %r", path);
			*p = '/';
			return 1;
		}
		*p = '/';
	}
	if(mkdir(path, 0777) == 0 || errno == EEXIST && isdir(path))
		return 0;
bad:
	warn("%s: %r", path);
	return 1;
}

int
main(int argc, char **argv)
{
	int status;

	argv0 = "mkdir";
	ARGBEGIN{
	case 'p':
		pflag = 1;
		break;
	default:
		usage1("[-p] dir ...");
	}ARGEND
	if(argc == 0)
		usage1("[-p] dir ...");
	status = 0;
	for(; argc > 0; argc--, argv++)
		status |= mkdir1(argv[0]);
	exits(status);
}
