/*
 * number.c: parsing the whole numbers and clock times users write (see
 * number.h).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "number.h"

int
number_parse_long(const char *s, size_t len, long max, long *out)
{
	long	v = 0;
	size_t	i;

	if (len == 0)
		return -1;
	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		if (v > (max - (s[i] - '0')) / 10)
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/*
 * Parse "MM" of a clock time at *s, two digits below 60, and step over
 * them; 0 or -1.
 */
static int
clock_part(const char **s, long *out)
{
	if (number_parse_long(*s, 2, 59, out) != 0)
		return -1;
	*s += 2;
	return 0;
}

int
number_parse_clock(const char *s, double *out)
{
	const char	*p;
	long		 first, mid, sec;
	double		 frac = 0;
	size_t		 n;

	/* The first part: hours, or minutes when only two parts follow. */
	n = strspn(s, "0123456789");
	if (number_parse_long(s, n, 1000000L, &first) != 0 || s[n] != ':')
		return -1;
	p = s + n + 1;
	if (clock_part(&p, &mid) != 0)
		return -1;
	if (*p == ':') {
		p++;
		if (clock_part(&p, &sec) != 0)
			return -1;
	} else {
		sec = mid;
		mid = first;
		first = 0;
	}
	if (*p == '.') {
		n = strspn(p + 1, "0123456789");
		if (n == 0)
			return -1;
		frac = strtod(p, NULL);
		p += 1 + n;
	}
	if (*p != '\0')
		return -1;
	*out = (double)first * 3600 + (double)mid * 60 + (double)sec + frac;
	return 0;
}
