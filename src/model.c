/*
 * model.c: the names of the API's Live Activity types and colours (see
 * model.h), kept in one place for the rules language and the requests.
 */
#include <string.h>

#include "model.h"

const char *const model_type_names[] = { "segmented_progress", "progress",
    "timer", "alert", "metrics", "stats", NULL };
_Static_assert(sizeof model_type_names / sizeof model_type_names[0] ==
    MODEL_NTYPES + 1, "model_type_names must match enum activity_type");

const char *const model_colors[] = { "lime", "green", "cyan", "blue",
    "purple", "magenta", "red", "orange", "yellow", "gray", NULL };

const char *
model_type_name(enum activity_type type)
{
	return model_type_names[type];
}

const char *
model_color(const char *s)
{
	size_t	i;

	for (i = 0; model_colors[i] != NULL; i++)
		if (strcmp(s, model_colors[i]) == 0)
			return model_colors[i];
	return NULL;
}
