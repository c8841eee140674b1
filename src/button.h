/*
 * button.h: buttons, as a rule writes them and as the API takes them.
 * "button=TITLE" begins a button; "open_url=URL", or "webhook=URL" with
 * "method=GET|POST" and "body=JSON", say what it does.  A push takes up to
 * four (its actions), a Live Activity two (its action and
 * secondary_action).
 */
#ifndef AS_TAIL_BUTTON_H
#define AS_TAIL_BUTTON_H

#include <stddef.h>

#include "template.h"

/* The most buttons a push shows; a Live Activity shows two. */
#define BUTTONS_MAX		4
#define BUTTONS_ACTIVITY_MAX	2

struct json_object;

enum button_kind {
	BUTTON_UNSET,
	BUTTON_OPEN_URL,
	BUTTON_WEBHOOK
};

/* One button as written; its texts are templates. */
struct button_arg {
	unsigned		 line, col;	/* of its button= */
	struct template		*title;
	enum button_kind	 kind;
	struct template		*url;
	const char		*method;	/* "GET", "POST" or NULL */
	struct template		*body;		/* webhook: a JSON object */
};

struct buttons {
	struct button_arg	 v[BUTTONS_MAX];
	size_t			 n;
	int			 overflow;	/* a button= was refused */
};

/* Whether key is one of a button's: button, open_url, webhook, method, body. */
int		 button_key(const char *);
/*
 * Take key=value into bs: "button" begins a button (at most max), the
 * others complete the last one; once a button= is refused, the pairs
 * after it are dropped without a word.  t is value's template, taken (NULL if it
 * could not be parsed; method= has none).  Returns NULL, or a borrowed
 * message saying why the pair cannot be taken; *at_value is then whether
 * the value is wrong rather than the key.
 */
const char	*buttons_take(struct buttons *, size_t, const char *,
		    const char *, struct template *, unsigned, unsigned,
		    int *);
/*
 * What is wrong with bs once all its pairs are read (a button that says
 * neither open_url= nor webhook=): a borrowed message, with *at the
 * button; or NULL.
 */
const char	*buttons_check(const struct buttons *,
		    const struct button_arg **);
void		 buttons_free(struct buttons *);
/*
 * Expand b into the API's action object: returns a new one, or NULL when
 * a value is not usable, with *what naming it and *text its expansion (a
 * new string; free with free()); or NULL with both NULL when the url
 * expands to nothing or to a path: the button is not wanted here.
 */
struct json_object *button_expand(const struct button_arg *,
		    const struct template_env *, const char **, char **);

#endif /* AS_TAIL_BUTTON_H */
