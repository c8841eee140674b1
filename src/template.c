/*
 * template.c: parsing and expanding templates.
 *
 * A template is a list of parts: literal text and references.  References are
 * $N (one digit), ${N}, ${name} for a named capture, $0 for the whole match,
 * ${line}, ${file}, ${host}, ${env:NAME}, ${var:NAME}, ${elapsed}, ${count},
 * ${command}, ${exit} and ${signal}; "$$" is a dollar sign.  A template that
 * writes JSON is expanded with its references escaped for a JSON string.
 * ${first:NAME} is capture NAME as the first line of a multi-line event gave
 * it (event.c), where ${NAME} is the last value; for a one-line match they
 * are the same.
 * ${env:ACTIVITYSMITH_API_KEY} is always empty: the key is never sent as text.  A named capture
 * wins over a built-in name.  The NAME of ${var:NAME} is itself a template
 * (${var:err.$1} reads the variable for the host in $1), so its closing brace
 * is the one that balances it.  Every reference is checked when the rules are
 * loaded, so expansion cannot fail; it only ever produces (possibly empty)
 * text.
 *
 * Bounds: a template is at most TEMPLATE_SIZE_MAX bytes and ${var:...} nests
 * at most TEMPLATE_DEPTH_MAX deep, so parsing (which scans each level's name
 * for its closing brace and copies it) costs at most that many passes over
 * the text, and expansion is linear in the parts.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "template.h"
#include "vars.h"
#include "xmalloc.h"

enum tpart_kind {
	TPART_TEXT,
	TPART_CAPTURE,
	TPART_LINE,
	TPART_FILE,
	TPART_HOST,
	TPART_ENV,
	TPART_VAR,
	TPART_ELAPSED,
	TPART_COUNT,
	TPART_COMMAND,
	TPART_EXIT,
	TPART_SIGNAL
};

struct tpart {
	enum tpart_kind	 kind;
	char		*text;		/* TEXT: the text; ENV: the name */
	uint32_t	 capture;	/* CAPTURE: its number */
	int		 first;		/* CAPTURE: ${first:NAME} */
	struct template	*name;		/* VAR: the variable's name */
};

struct template {
	struct tpart	*parts;
	size_t		 nparts;
};

static const struct {
	const char	*name;
	enum tpart_kind	 kind;
} builtins[] = {
	{ "line", TPART_LINE },
	{ "file", TPART_FILE },
	{ "host", TPART_HOST },
	{ "elapsed", TPART_ELAPSED },
	{ "count", TPART_COUNT },
	{ "command", TPART_COMMAND },
	{ "exit", TPART_EXIT },
	{ "signal", TPART_SIGNAL },
};

static struct tpart *
template_add(struct template *t, enum tpart_kind kind)
{
	struct tpart	*p;

	t->parts = xreallocarray(t->parts, t->nparts + 1, sizeof *t->parts);
	p = &t->parts[t->nparts++];
	memset(p, 0, sizeof *p);
	p->kind = kind;
	return p;
}

static void
template_add_text(struct template *t, const char *s, size_t len)
{
	struct tpart	*last;
	size_t		 old;

	if (len == 0)
		return;
	last = t->nparts > 0 ? &t->parts[t->nparts - 1] : NULL;
	if (last != NULL && last->kind == TPART_TEXT) {
		old = strlen(last->text);
		last->text = xrealloc(last->text, old + len + 1);
		memcpy(last->text + old, s, len);
		last->text[old + len] = '\0';
		return;
	}
	template_add(t, TPART_TEXT)->text = xstrndup(s, len);
}

static struct template	*template_parse_at(const char *, const pcre2_code *,
			    char **, size_t *, unsigned);

/* Resolve a ${...} name; return 0, or -1 with *cause set. */
static int
template_add_name(struct template *t, const char *name, const pcre2_code *re,
    char **cause)
{
	uint32_t	 ncap = 0;
	char		*end;
	unsigned long	 n;
	int		 number;
	size_t		 i;

	if (re != NULL)
		pcre2_pattern_info(re, PCRE2_INFO_CAPTURECOUNT, &ncap);
	if (isdigit((unsigned char)name[0])) {
		n = strtoul(name, &end, 10);
		if (*end != '\0') {
			*cause = xasprintf("bad reference ${%s}", name);
			return -1;
		}
		if (re == NULL || n > ncap) {
			*cause = re == NULL ?
			    xasprintf("capture %s: no regex to capture from",
			    name) :
			    xasprintf("capture %s: the regex has only %u "
			    "capture%s", name, ncap, ncap == 1 ? "" : "s");
			return -1;
		}
		template_add(t, TPART_CAPTURE)->capture = (uint32_t)n;
		return 0;
	}
	if (strncmp(name, "first:", 6) == 0) {
		if (template_add_name(t, name + 6, re, cause) != 0)
			return -1;
		if (t->parts[t->nparts - 1].kind != TPART_CAPTURE) {
			*cause = xasprintf("${%s}: not a capture of the regex",
			    name);
			return -1;
		}
		t->parts[t->nparts - 1].first = 1;
		return 0;
	}
	if (strncmp(name, "env:", 4) == 0 && name[4] != '\0') {
		/* The key is never part of a notification: it expands empty. */
		if (strcmp(name + 4, TEMPLATE_KEY_VAR) != 0)
			template_add(t, TPART_ENV)->text = xstrdup(name + 4);
		return 0;
	}
	if (re != NULL) {
		number = pcre2_substring_number_from_name(re,
		    (PCRE2_SPTR)name);
		if (number > 0) {
			template_add(t, TPART_CAPTURE)->capture =
			    (uint32_t)number;
			return 0;
		}
	}
	for (i = 0; i < sizeof builtins / sizeof builtins[0]; i++) {
		if (strcmp(name, builtins[i].name) == 0) {
			template_add(t, builtins[i].kind);
			return 0;
		}
	}
	*cause = xasprintf("unknown reference ${%s}", name);
	return -1;
}

/* The '}' that closes the reference whose name starts at s, or NULL. */
static const char *
template_close(const char *s)
{
	unsigned	depth = 0;

	for (; *s != '\0'; s++) {
		if (s[0] == '$' && s[1] == '$')
			s++;
		else if (s[0] == '$' && s[1] == '{')
			depth++, s++;
		else if (s[0] == '}' && depth-- == 0)
			return s;
	}
	return NULL;
}

/*
 * A ${var:NAME} reference; name is the text after "var:".  On error, *errcol
 * is moved to the problem within the name.  Return 0 or -1.
 */
static int
template_add_var(struct template *t, const char *name, const pcre2_code *re,
    char **cause, size_t *errcol, unsigned depth)
{
	struct template	*nt;
	size_t		 col = 0;

	if (*name == '\0') {
		*cause = xstrdup("${var:NAME} needs a name");
		return -1;
	}
	if (depth >= TEMPLATE_DEPTH_MAX) {
		*cause = xasprintf("${var:...} nested more than %d deep",
		    TEMPLATE_DEPTH_MAX);
		return -1;
	}
	if ((nt = template_parse_at(name, re, cause, &col, depth + 1)) ==
	    NULL) {
		*errcol += strlen("${var:") + col;
		return -1;
	}
	template_add(t, TPART_VAR)->name = nt;
	return 0;
}

struct template *
template_parse(const char *text, const pcre2_code *re, char **cause,
    size_t *errcol)
{
	struct template	*t = NULL;
	char		*ignored_cause = NULL;
	size_t		 ignored_col;

	if (cause == NULL)
		cause = &ignored_cause;
	if (errcol == NULL)
		errcol = &ignored_col;
	if (strlen(text) > TEMPLATE_SIZE_MAX) {
		*errcol = 0;
		*cause = xasprintf("a template longer than %d bytes",
		    TEMPLATE_SIZE_MAX);
	} else
		t = template_parse_at(text, re, cause, errcol, 0);
	free(ignored_cause);
	return t;
}

/* Parse text, itself the name of a ${var:...} nested depth deep. */
static struct template *
template_parse_at(const char *text, const pcre2_code *re, char **cause,
    size_t *errcol, unsigned depth)
{
	struct template	*t;
	const char	*p = text, *start, *close;
	char		*name;
	char		 digit[2];
	int		 rc;

	t = xcalloc(1, sizeof *t);
	while (*p != '\0') {
		start = p;
		while (*p != '\0' && *p != '$')
			p++;
		template_add_text(t, start, (size_t)(p - start));
		if (*p == '\0')
			break;
		if (p[1] == '$') {
			template_add_text(t, "$", 1);
			p += 2;
			continue;
		}
		*errcol = (size_t)(p - text);
		if (isdigit((unsigned char)p[1])) {
			digit[0] = p[1];
			digit[1] = '\0';
			if (template_add_name(t, digit, re, cause) != 0)
				goto fail;
			p += 2;
			continue;
		}
		if (p[1] != '{' || (close = template_close(p + 2)) == NULL) {
			*cause = xstrdup("'$' must start $N, ${NAME} or $$");
			goto fail;
		}
		name = xstrndup(p + 2, (size_t)(close - (p + 2)));
		if (strncmp(name, "var:", 4) == 0)
			rc = template_add_var(t, name + 4, re, cause, errcol,
			    depth);
		else
			rc = template_add_name(t, name, re, cause);
		free(name);
		if (rc != 0)
			goto fail;
		p = close + 1;
	}
	return t;

fail:
	template_free(t);
	return NULL;
}

void
template_free(struct template *t)
{
	size_t	i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nparts; i++) {
		free(t->parts[i].text);
		template_free(t->parts[i].name);
	}
	free(t->parts);
	free(t);
}

int
template_is_literal(const struct template *t)
{
	return t->nparts == 0 ||
	    (t->nparts == 1 && t->parts[0].kind == TPART_TEXT);
}

const char *
template_literal(const struct template *t)
{
	return t->nparts == 0 ? "" : t->parts[0].text;
}

const char *
template_host(void)
{
	static char	host[256];

	if (host[0] == '\0' && gethostname(host, sizeof host - 1) != 0)
		strcpy(host, "localhost");
	return host;
}

static void
template_expand_capture(const struct tpart *p, const struct template_env *env,
    struct buf *b)
{
	const PCRE2_SIZE	*ov = env->ovector;
	const char		*s = env->line;
	size_t			 len = env->line_len;
	PCRE2_SIZE		 start, end;

	if (p->first && env->first_ovector != NULL)
		ov = env->first_ovector;
	if (env->values != NULL) {
		s = env->values;
		len = env->values_len;
	}
	if (ov == NULL || p->capture >= env->npairs)
		return;
	start = ov[2 * p->capture];
	end = ov[2 * p->capture + 1];
	if (start == PCRE2_UNSET || end < start || end > len)
		return;
	buf_addtext(b, s + start, end - start);
}

static void
template_expand_var(const struct tpart *p, const struct template_env *env,
    struct buf *b)
{
	struct buf	name;
	const char	*s;

	buf_init(&name, VARS_NAME_MAX);
	template_expand(p->name, env, &name);
	s = vars_get(env->vars, buf_str(&name));
	buf_addtext(b, s, strlen(s));
	buf_free(&name);
}

static void
template_expand_part(const struct tpart *p, const struct template_env *env,
    struct buf *b)
{
	char		 tmp[64];
	const char	*s;

	switch (p->kind) {
	case TPART_TEXT:
		buf_addtext(b, p->text, strlen(p->text));
		break;
	case TPART_CAPTURE:
		template_expand_capture(p, env, b);
		break;
	case TPART_LINE:
		if (env->line != NULL)
			buf_addtext(b, env->line, env->line_len);
		break;
	case TPART_FILE:
		if (env->file != NULL)
			buf_addtext(b, env->file, strlen(env->file));
		break;
	case TPART_HOST:
		s = template_host();
		buf_addtext(b, s, strlen(s));
		break;
	case TPART_ENV:
		if ((s = getenv(p->text)) != NULL)
			buf_addtext(b, s, strlen(s));
		break;
	case TPART_VAR:
		template_expand_var(p, env, b);
		break;
	case TPART_ELAPSED:
		clock_format_duration(env->elapsed_ms, tmp, sizeof tmp);
		buf_addstr(b, tmp);
		break;
	case TPART_COUNT:
		snprintf(tmp, sizeof tmp, "%llu",
		    (unsigned long long)env->count);
		buf_addstr(b, tmp);
		break;
	case TPART_COMMAND:
		if (env->command != NULL)
			buf_addtext(b, env->command, strlen(env->command));
		break;
	case TPART_EXIT:
		if (env->exit_status >= 0) {
			snprintf(tmp, sizeof tmp, "%d", env->exit_status);
			buf_addstr(b, tmp);
		}
		break;
	case TPART_SIGNAL:
		if (env->signal > 0) {
			snprintf(tmp, sizeof tmp, "%d", env->signal);
			buf_addstr(b, tmp);
		}
		break;
	}
}

void
template_expand(const struct template *t, const struct template_env *env,
    struct buf *b)
{
	size_t	i;

	for (i = 0; i < t->nparts; i++)
		template_expand_part(&t->parts[i], env, b);
}

void
template_expand_json(const struct template *t,
    const struct template_env *env, struct buf *b)
{
	struct buf	raw;
	size_t		i, j;

	for (i = 0; i < t->nparts; i++) {
		if (t->parts[i].kind == TPART_TEXT) {
			template_expand_part(&t->parts[i], env, b);
			continue;
		}
		buf_init(&raw, b->max);
		template_expand_part(&t->parts[i], env, &raw);
		for (j = 0; j < raw.len; j++) {
			if (raw.data[j] == '"' || raw.data[j] == '\\')
				buf_add(b, "\\", 1);
			buf_add(b, &raw.data[j], 1);
		}
		buf_free(&raw);
	}
}

int
template_test(const struct template *t, const struct template_env *env)
{
	struct buf	b;
	int		some;

	buf_init(&b, 1);
	template_expand(t, env, &b);
	some = b.len > 0 || b.truncated;
	buf_free(&b);
	return some;
}

char *
template_expand_new(const struct template *t, const struct template_env *env,
    size_t max)
{
	struct buf	b;

	if (t == NULL)
		return NULL;
	buf_init(&b, max);
	template_expand(t, env, &b);
	buf_str(&b);
	return b.data;		/* the buffer's memory becomes the string */
}
