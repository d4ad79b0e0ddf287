#include "lib.h"
#include <time.h>

/*
 * Calendar time in GMT (WASI has no time zones).  The day count to
 * civil date conversion works in 400-year eras of 146097 days, with
 * years starting in March so the leap day falls last.
 */
void
gmt(vlong t, Tm *tm)
{
	vlong days, era, doe, yoe, doy, mp, y;
	vlong secs;

	days = t / 86400;
	secs = t % 86400;
	if(secs < 0){
		secs += 86400;
		days--;
	}
	tm->hour = secs / 3600;
	tm->min = secs / 60 % 60;
	tm->sec = secs % 60;
	tm->wday = (days % 7 + 11) % 7;	/* 1970-01-01 was a Thursday */

	days += 719468;	/* from 0000-03-01 */
	era = (days >= 0 ? days : days - 146096) / 146097;
	doe = days - era * 146097;
	yoe = (doe - doe/1460 + doe/36524 - doe/146096) / 365;
	doy = doe - (365*yoe + yoe/4 - yoe/100);
	mp = (5*doy + 2) / 153;
	tm->mday = doy - (153*mp + 2)/5 + 1;
	tm->mon = mp < 10 ? mp + 2 : mp - 10;	/* 0 is January */
	y = yoe + era * 400;
	tm->year = tm->mon <= 1 ? y + 1 : y;
}

char *monthname[12] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};
char *dayname[7] = {
	"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat",
};

/* the time now, in nanoseconds since the epoch */
vlong
nsnow(void)
{
	struct timespec ts;

	if(clock_gettime(CLOCK_REALTIME, &ts) < 0)
		return 0;
	return (vlong)ts.tv_sec * 1000000000 + ts.tv_nsec;
}
