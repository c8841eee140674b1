/*
 * model.c: the names of the API's Live Activity types and colours, and what
 * it takes as a url, a list of channels, a symbol, a list of colours or a
 * JSON object (see model.h), kept in one place for the rules language and
 * the requests.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "model.h"
#include "xmalloc.h"

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

int
model_url_ok(const char *s)
{
	return strncmp(s, "https://", 8) == 0 ||
	    strncmp(s, "shortcuts://", 12) == 0;
}

int
model_channels_ok(const char *s)
{
	if (*s == '\0' || *s == ',')
		return 0;
	for (; *s != '\0'; s++) {
		if (*s == ',' && (s[1] == ',' || s[1] == '\0'))
			return 0;
		if (!isalnum((unsigned char)*s) && strchr(",-_", *s) == NULL)
			return 0;
	}
	return 1;
}

int
model_https_ok(const char *s)
{
	return strncmp(s, "https://", 8) == 0 && s[8] != '\0';
}

int
model_symbol_ok(const char *s)
{
	if (*s == '\0' || strlen(s) > 128)
		return 0;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && *s != '.')
			return 0;
	return 1;
}

int
model_colors_ok(const char *s)
{
	char	*copy, *word, *last;
	int	 ok = 1, n = 0;

	copy = xstrdup(s);
	for (word = strtok_r(copy, ",", &last); word != NULL && ok;
	    word = strtok_r(NULL, ",", &last), n++)
		ok = model_color(word) != NULL;
	free(copy);
	return ok && n > 0 && s[strlen(s) - 1] != ',' && strstr(s, ",,") ==
	    NULL && *s != ',';
}

int
model_json_object_ok(const char *s)
{
	struct json_tokener	*tok;
	struct json_object	*o;
	size_t			 end;
	int			 ok;

	tok = json_tokener_new();
	o = json_tokener_parse_ex(tok, s, (int)strlen(s));
	end = json_tokener_get_parse_end(tok);
	ok = o != NULL && json_object_is_type(o, json_type_object) &&
	    s[end + strspn(s + end, " \t")] == '\0';
	json_object_put(o);
	json_tokener_free(tok);
	return ok;
}

int
model_type_has_badge(enum activity_type type)
{
	return type == TYPE_ALERT || type == TYPE_PROGRESS ||
	    type == TYPE_SEGMENTED_PROGRESS;
}

const char *
model_type_field_problem(const char *key, enum activity_type type)
{
	if ((strcmp(key, "badge") == 0 || strcmp(key, "badge_color") == 0) &&
	    !model_type_has_badge(type))
		return "needs an alert, progress or segmented_progress activity";
	if (strcmp(key, "step_colors") == 0 && type != TYPE_SEGMENTED_PROGRESS)
		return "needs a segmented_progress activity";
	if (strcmp(key, "counts_down") == 0 && type != TYPE_TIMER)
		return "needs a timer activity";
	return NULL;
}

char **
model_channels_split(const char *s)
{
	char	**v = NULL, *copy, *word, *last;
	size_t	  n = 0;

	copy = xstrdup(s);
	for (word = strtok_r(copy, ", ", &last); word != NULL;
	    word = strtok_r(NULL, ", ", &last)) {
		v = xreallocarray(v, n + 2, sizeof *v);
		v[n++] = xstrdup(word);
		v[n] = NULL;
	}
	free(copy);
	return v;
}

void
model_channels_free(char **v)
{
	size_t	i;

	for (i = 0; v != NULL && v[i] != NULL; i++)
		free(v[i]);
	free(v);
}
