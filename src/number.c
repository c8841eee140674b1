/*
 * number.c: parsing the whole numbers users write (see number.h).
 */
#include <ctype.h>

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
