/*
 * vars.c: the variables that "set" actions write and ${var:NAME} reads.
 *
 * The names live in one array in the order they were last set, so that when
 * the array is full the oldest can be forgotten: input decides the names
 * (ansible's keep a host name), and memory must not grow with the input.
 * Lookups are linear; they happen only when a rule fires, and VARS_MAX keeps
 * them short.  Callers pass text already cut to VARS_NAME_MAX and
 * VARS_VALUE_MAX (template expansion into a bounded buf does that).
 */
#include <stdlib.h>
#include <string.h>

#include "vars.h"
#include "xmalloc.h"

struct var {
	char	*name;
	char	*value;
};

struct vars {
	struct var	*v;
	size_t		 n;
};

struct vars *
vars_new(void)
{
	return xcalloc(1, sizeof (struct vars));
}

static void
var_clear(struct var *v)
{
	free(v->name);
	free(v->value);
}

void
vars_free(struct vars *vs)
{
	size_t	i;

	if (vs == NULL)
		return;
	for (i = 0; i < vs->n; i++)
		var_clear(&vs->v[i]);
	free(vs->v);
	free(vs);
}

static size_t
vars_find(const struct vars *vs, const char *name)
{
	size_t	i;

	for (i = 0; i < vs->n; i++)
		if (strcmp(vs->v[i].name, name) == 0)
			return i;
	return vs->n;
}

/* Remove entry i, keeping the others in order. */
static void
vars_remove(struct vars *vs, size_t i)
{
	var_clear(&vs->v[i]);
	memmove(&vs->v[i], &vs->v[i + 1], (vs->n - i - 1) * sizeof *vs->v);
	vs->n--;
}

void
vars_set(struct vars *vs, const char *name, const char *value)
{
	size_t	i;

	if ((i = vars_find(vs, name)) < vs->n)
		vars_remove(vs, i);
	if (*value == '\0')
		return;
	if (vs->n == VARS_MAX)
		vars_remove(vs, 0);
	if (vs->v == NULL)
		vs->v = xreallocarray(NULL, VARS_MAX, sizeof *vs->v);
	vs->v[vs->n].name = xstrdup(name);
	vs->v[vs->n].value = xstrdup(value);
	vs->n++;
}

const char *
vars_get(const struct vars *vs, const char *name)
{
	size_t	i;

	if (vs == NULL || (i = vars_find(vs, name)) == vs->n)
		return "";
	return vs->v[i].value;
}

size_t
vars_count(const struct vars *vs)
{
	return vs->n;
}
