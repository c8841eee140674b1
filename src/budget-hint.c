/*
 * budget-hint.c: a small reader for the RateLimit headers' structured
 * fields (RFC 8941): a list of items, each a name (a string or a token) or a
 * number with ";key=value" parameters, or, in the earlier drafts, a
 * dictionary of "key=value".  Only integers are kept; anything else in a
 * parameter is skipped, and a header that makes no sense says nothing.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "budget-hint.h"

#define HINT_ITEMS	4

/* One item: its name (or "" for a number or nothing), and the numbers. */
struct hint_item {
	char	name[BUDGET_POLICY_NAME];
	long	bare;		/* a bare number, or -1 */
	long	q, w, r, t;	/* -1 when absent */
};

static const char *
skip_space(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* A non-negative integer at p: its value, or -1; *end past it. */
static long
number(const char *p, const char **end)
{
	char	*e;
	long	 v;

	if (!isdigit((unsigned char)*p)) {
		*end = p;
		return -1;
	}
	v = strtol(p, &e, 10);
	*end = e;
	return v < 0 ? -1 : v;
}

/* A quoted string or a token into name (truncated); returns past it. */
static const char *
name_of(const char *p, char *name)
{
	size_t	n = 0;

	if (*p == '"') {
		for (p++; *p != '\0' && *p != '"'; p++) {
			if (*p == '\\' && p[1] != '\0')
				p++;
			if (n + 1 < BUDGET_POLICY_NAME)
				name[n++] = *p;
		}
		if (*p == '"')
			p++;
	} else
		for (; isalnum((unsigned char)*p) || strchr("_-.:*/", *p) != NULL;
		    p++)
			if (n + 1 < BUDGET_POLICY_NAME)
				name[n++] = *p;
	name[n] = '\0';
	return p;
}

/* Set the field of it that key names, if any. */
static void
param(struct hint_item *it, const char *key, long v)
{
	if (strcmp(key, "q") == 0 || strcmp(key, "limit") == 0)
		it->q = v;
	else if (strcmp(key, "w") == 0)
		it->w = v;
	else if (strcmp(key, "r") == 0 || strcmp(key, "remaining") == 0)
		it->r = v;
	else if (strcmp(key, "t") == 0 || strcmp(key, "reset") == 0)
		it->t = v;
}

/* key=value at p, into it; returns past it. */
static const char *
key_value(const char *p, struct hint_item *it)
{
	char	key[BUDGET_POLICY_NAME];
	long	v;

	p = name_of(p, key);
	if (*p != '=')
		return p;
	v = number(skip_space(p + 1), &p);
	if (v >= 0)
		param(it, key, v);
	while (*p != '\0' && *p != ';' && *p != ',')
		p++;
	return p;
}

/*
 * Read up to HINT_ITEMS items of a header value into items; an earlier
 * draft's dictionary ("limit=60, remaining=2") becomes one unnamed item.
 * Returns how many.
 */
static size_t
items_parse(const char *p, struct hint_item *items)
{
	struct hint_item	*it;
	const char		*q;
	char			 word[BUDGET_POLICY_NAME];
	size_t			 n;

	memset(items, 0, HINT_ITEMS * sizeof *items);
	for (n = 0; n < HINT_ITEMS; n++)
		items[n].bare = items[n].q = items[n].w = items[n].r =
		    items[n].t = -1;
	if (p == NULL)
		return 0;
	for (n = 0; *(p = skip_space(p)) != '\0' && n < HINT_ITEMS; ) {
		q = name_of(p, word);
		if (*p != '"' && *q == '=') {
			p = key_value(p, &items[0]);
			n = 1;
		} else {
			it = &items[n++];
			if (isdigit((unsigned char)*p))
				it->bare = number(p, &p);
			else {
				memcpy(it->name, word, sizeof it->name);
				p = q;
			}
			while (*(p = skip_space(p)) == ';')
				p = key_value(skip_space(p + 1), it);
		}
		while (*p != '\0' && *p != ',')
			p++;
		if (*p == ',')
			p++;
	}
	return n;
}

int
budget_hint_parse(const char *policy, const char *ratelimit,
    struct budget_hint *h)
{
	struct hint_item	 pol[HINT_ITEMS], rl[HINT_ITEMS], *p = NULL;
	size_t			 npol, nrl, i;

	memset(h, 0, sizeof *h);
	h->quota = h->window_s = h->remaining = h->reset_s = -1;
	npol = items_parse(policy, pol);
	nrl = items_parse(ratelimit, rl);
	for (i = 0; i < npol && p == NULL; i++)
		if (nrl > 0 && strcmp(pol[i].name, rl[0].name) == 0)
			p = &pol[i];
	if (p == NULL && npol > 0)
		p = &pol[0];
	if (p != NULL) {
		memcpy(h->policy, p->name, sizeof h->policy);
		h->quota = p->q >= 0 ? p->q : p->bare;
		h->window_s = p->w;
	}
	if (nrl > 0) {
		if (p == NULL)
			memcpy(h->policy, rl[0].name, sizeof h->policy);
		h->remaining = rl[0].r;
		h->reset_s = rl[0].t;
	}
	if (h->quota <= 0 || h->window_s <= 0)
		h->quota = h->window_s = -1;
	return h->quota > 0 || h->remaining >= 0;
}
