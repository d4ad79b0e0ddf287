#include "lib.h"

/*
 * date [-inu] [-t] [seconds]: the time now, or the given seconds since
 * the epoch, as "Thu Jan 01 00:00:00 GMT 1970"; -n prints seconds, -i
 * the date in ISO 8601, -t date and time in ISO 8601.  Always GMT: WASI
 * knows no time zones, so -u changes nothing.
 */
int
main(int argc, char **argv)
{
	int nflag, iflag, tflag;
	vlong t;
	Tm tm;

	argv0 = "date";
	nflag = iflag = tflag = 0;
	ARGBEGIN{
	case 'n':
		nflag = 1;
		break;
	case 'i':
		iflag = 1;
		break;
	case 't':
		tflag = 1;
		break;
	case 'u':
		break;
	default:
		usage1("[-intu] [seconds]");
	}ARGEND
	if(argc > 1)
		usage1("[-intu] [seconds]");
	if(argc == 1){
		if(!parsenum(argv[0], &t))
			fatal("bad time: %s", argv[0]);
	}else{
		t = nsnow();
		t = t / 1000000000 - (t < 0 && t % 1000000000 != 0);
	}
	gmt(t, &tm);
	if(nflag)
		print("%lld\n", t);
	else if(iflag)
		print("%04lld-%02d-%02d\n", tm.year, tm.mon + 1, tm.mday);
	else if(tflag)
		print("%04lld-%02d-%02dT%02d:%02d:%02dZ\n", tm.year, tm.mon + 1, tm.mday, tm.hour, tm.min, tm.sec);
	else
		print("%s %s %02d %02d:%02d:%02d GMT %lld\n", dayname[tm.wday], monthname[tm.mon],
			tm.mday, tm.hour, tm.min, tm.sec, tm.year);
	exits(0);
}
