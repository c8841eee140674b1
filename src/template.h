/*
 * template.h: the text fields of a rule ("Build ${env:PROJECT}: $1") parsed
 * once when the rules are loaded and expanded each time the rule fires.
 */
#ifndef AS_TAIL_TEMPLATE_H
#define AS_TAIL_TEMPLATE_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdint.h>

#include "buf.h"

/* The variable that ${env:NAME} never reads: the API key. */
#define TEMPLATE_KEY_VAR	"ACTIVITYSMITH_API_KEY"

/* A template's text is at most this long; ${var:...} nests this deep. */
#define TEMPLATE_SIZE_MAX	4096
#define TEMPLATE_DEPTH_MAX	8

struct template;
struct vars;

/* What a template can refer to when it is expanded; unset fields expand empty. */
struct template_env {
	const char		*line;		/* the matched line */
	size_t			 line_len;
	const PCRE2_SIZE	*ovector;	/* captures, NULL without a match */
	const PCRE2_SIZE	*first_ovector;	/* ${first:N}; NULL: ovector */
	const char		*values;	/* what the ovectors index, */
	size_t			 values_len;	/* NULL: line */
	uint32_t		 npairs;
	const char		*file;		/* input name, "-" for stdin */
	uint64_t		 count;		/* the rule's match count */
	uint64_t		 elapsed_ms;	/* since as-tail started */
	const char		*command;	/* wrapped command, or NULL */
	int			 exit_status;	/* -1 while unknown */
	int			 signal;	/* 0 unless killed by a signal */
	const struct vars	*vars;		/* ${var:NAME}; NULL: all empty */
};

/*
 * Parse text.  re (may be NULL) is the rule's regex: numbered and named
 * captures are checked against it.  Returns a new template (free with
 * template_free), or NULL with *cause set to a new message and *errcol to the
 * byte offset in text where the problem is (either may be NULL).
 */
struct template	*template_parse(const char *, const pcre2_code *, char **,
		    size_t *);
void		 template_free(struct template *);
/* Whether the template is plain text, with no references; and that text. */
int		 template_is_literal(const struct template *);
const char	*template_literal(const struct template *);
/* Borrowed: this machine's host name, as ${host} gives it. */
const char	*template_host(void);
/* Whether the template expands to any text at all (for a rule's if=). */
int		 template_test(const struct template *,
		    const struct template_env *);
/* Append the expansion to b as clean UTF-8 (see buf_addtext). */
void		 template_expand(const struct template *,
		    const struct template_env *, struct buf *);
/*
 * The same for a template that writes JSON (payload=, body=): what each
 * reference gives is escaped for a JSON string ('"' and '\\' get a
 * backslash), so a capture inside quotes cannot break the JSON.
 */
void		 template_expand_json(const struct template *,
		    const struct template_env *, struct buf *);
/*
 * The expansion as a new string of at most max bytes (free with free()),
 * or NULL when the template is NULL.
 */
char		*template_expand_new(const struct template *,
		    const struct template_env *, size_t);

#endif /* AS_TAIL_TEMPLATE_H */
