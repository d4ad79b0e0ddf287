#include "lib.h"

/*
 * cp [-r] from to
 * cp [-r] from ... dir
 * Copy files; into dir under their own names when the target is a
 * directory.  -r copies directories with their contents.
 */

static int rflag;

static int
cp(char *from, char *to)
{
	struct stat st;
	char **names, *f, *t;
	int i, n, r;

	if(stat(from, &st) < 0){
		warn("%s: %r", from);
		return 1;
	}
	if(!S_ISDIR(st.st_mode))
		return copyfile(from, to) < 0;
	if(!rflag){
		errno = EISDIR;
		warn("%s: %r", from);
		return 1;
	}
	if(mkdir(to, 0777) < 0 && !(errno == EEXIST && isdir(to))){
		warn("%s: %r", to);
		return 1;
	}
	if((names = dirnames(from, &n)) == NULL){
		warn("%s: %r", from);
		return 1;
	}
	r = 0;
	for(i = 0; i < n; i++){
		f = pathjoin(from, names[i]);
		t = pathjoin(to, names[i]);
		r |= cp(f, t);
		free(f);
		free(t);
	}
	free(names);
	return r;
}

int
main(int argc, char **argv)
{
	char *dst, *t;
	int status, i;

	argv0 = "cp";
	ARGBEGIN{
	case 'r':
		rflag = 1;
		break;
	default:
		usage1("[-r] from to | from ... dir");
	}ARGEND
	if(argc < 2)
		usage1("[-r] from to | from ... dir");
	dst = argv[argc-1];
	status = 0;
	if(!isdir(dst)){
		if(argc > 2){
			errno = ENOTDIR;
			fatal("%s: %r", dst);
		}
		exits(cp(argv[0], dst));
	}
	for(i = 0; i < argc - 1; i++){
		t = pathjoin(dst, basename1(argv[i]));
		status |= cp(argv[i], t);
		free(t);
	}
	exits(status);
}
