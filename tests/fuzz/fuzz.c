/*
 * fuzz.c: helpers shared by the harnesses (see fuzz.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

const char *
fuzz_file(const char *tag, const void *data, size_t len)
{
	static char	 path[4][512];
	static char	 tags[4][32];
	const char	*dir = getenv("TMPDIR");
	FILE		*f;
	int		 i;

	for (i = 0; i < 3 && tags[i][0] != '\0' && strcmp(tags[i], tag) != 0;
	    i++)
		;
	if (tags[i][0] == '\0') {
		snprintf(tags[i], sizeof tags[i], "%s", tag);
		snprintf(path[i], sizeof path[i], "%s/as-tail-fuzz-%ld-%s",
		    dir != NULL && *dir != '\0' ? dir : "/tmp", (long)getpid(),
		    tag);
	}
	if ((f = fopen(path[i], "wb")) == NULL ||
	    fwrite(data, 1, len, f) != len || fclose(f) != 0) {
		perror(path[i]);
		abort();
	}
	return path[i];
}
