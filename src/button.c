/*
 * button.c: the buttons of a push or a Live Activity.
 *
 * In a rule a button is a group of key=value pairs: "button=TITLE" begins
 * it, and the pairs after it complete it until the next button= (see
 * button.h), so that one line reads "button=Log open_url=$URL".  The
 * group's values are checked here when the rules are loaded, where they
 * are plain text, and again when the templates expand: a url the API
 * would refuse, or a body that is not a JSON object, makes the button
 * unusable, and it is never sent.  A url that expands to nothing, or to a
 * path ("${env:SERVER}/runs/${env:ID}" outside CI), leaves the button out
 * without a word: that is how a rule offers a button only where the
 * variables it needs are set.  The API's JSON is built by api.c.
 */
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "button.h"
#include "buf.h"
#include "model.h"
#include "xmalloc.h"

/* Longest text a button's template expands to. */
#define BUTTON_FIELD_MAX	4096

static const char *const button_keys[] = { "button", "open_url", "webhook",
    "method", "body", NULL };

int
button_key(const char *key)
{
	size_t	i;

	for (i = 0; button_keys[i] != NULL; i++)
		if (strcmp(key, button_keys[i]) == 0)
			return 1;
	return 0;
}

/* Check a url of kind when it is plain text; a message, or NULL. */
static const char *
button_url_problem(enum button_kind kind, const char *value)
{
	if (strchr(value, '$') != NULL)
		return NULL;
	if (kind == BUTTON_OPEN_URL && !model_url_ok(value))
		return "open_url must start with https:// or shortcuts://";
	if (kind == BUTTON_WEBHOOK && !model_https_ok(value))
		return "webhook must start with https://";
	return NULL;
}

/* Take what completes the last button; as buttons_take. */
static const char *
button_complete(struct button_arg *b, const char *key, const char *value,
    struct template *t, int *at_value)
{
	const char	*why;

	if (strcmp(key, "open_url") == 0 || strcmp(key, "webhook") == 0) {
		if (b->kind != BUTTON_UNSET) {
			template_free(t);
			return "a button takes one open_url= or webhook=";
		}
		b->kind = key[0] == 'o' ? BUTTON_OPEN_URL : BUTTON_WEBHOOK;
		b->url = t;
		*at_value = (why = button_url_problem(b->kind, value)) != NULL;
		return why;
	}
	if (b->kind != BUTTON_WEBHOOK) {
		template_free(t);
		return strcmp(key, "method") == 0 ? "method= goes after webhook=" :
		    "body= goes after webhook=";
	}
	if (strcmp(key, "method") == 0) {
		template_free(t);
		*at_value = 1;
		if (strcmp(value, "GET") == 0 || strcmp(value, "POST") == 0)
			b->method = value[0] == 'G' ? "GET" : "POST";
		else
			return "method must be GET or POST";
		return NULL;
	}
	if (b->body != NULL) {
		template_free(t);
		return "'body' given twice";
	}
	b->body = t;
	if (strchr(value, '$') == NULL && !model_json_object_ok(value)) {
		*at_value = 1;
		return "body must be a JSON object, such as '{\"ref\":\"main\"}'";
	}
	return NULL;
}

const char *
buttons_take(struct buttons *bs, size_t max, const char *key,
    const char *value, struct template *t, unsigned line, unsigned col,
    int *at_value)
{
	struct button_arg	*b;

	*at_value = 0;
	if (bs->overflow) {
		template_free(t);	/* the refused button's own pairs */
		return NULL;
	}
	if (strcmp(key, "button") != 0) {
		if (bs->n == 0) {
			template_free(t);
			return "a button begins with button=TITLE";
		}
		return button_complete(&bs->v[bs->n - 1], key, value, t,
		    at_value);
	}
	if (bs->n == max || bs->n == BUTTONS_MAX) {
		template_free(t);
		bs->overflow = 1;
		return max == BUTTONS_MAX ? "a push shows at most 4 buttons" :
		    "a Live Activity shows at most 2 buttons";
	}
	b = &bs->v[bs->n++];
	memset(b, 0, sizeof *b);
	b->line = line;
	b->col = col;
	b->title = t;
	return NULL;
}

const char *
buttons_check(const struct buttons *bs, const struct button_arg **at)
{
	size_t	i;

	for (i = 0; i < bs->n; i++) {
		if (bs->v[i].kind == BUTTON_UNSET) {
			*at = &bs->v[i];
			return "button needs open_url=URL or webhook=URL";
		}
	}
	return NULL;
}

void
buttons_free(struct buttons *bs)
{
	size_t	i;

	for (i = 0; i < bs->n; i++) {
		template_free(bs->v[i].title);
		template_free(bs->v[i].url);
		template_free(bs->v[i].body);
	}
	bs->n = 0;
	bs->overflow = 0;
}

struct json_object *
button_expand(const struct button_arg *b, const struct template_env *te,
    const char **what, char **text)
{
	struct json_object	*o = NULL;
	struct buf		 body;
	char			*title, *url;

	title = template_expand_new(b->title, te, BUTTON_FIELD_MAX);
	url = template_expand_new(b->url, te, BUTTON_FIELD_MAX);
	buf_init(&body, BUTTON_FIELD_MAX);
	if (b->body != NULL)
		template_expand_json(b->body, te, &body);
	buf_str(&body);
	if (*url == '\0' || *url == '/') {
		*what = NULL;	/* made of variables that are not set */
		*text = NULL;
	} else if (*title == '\0') {
		*what = "button";
		*text = xstrdup(title);
	} else if (b->kind == BUTTON_OPEN_URL ? !model_url_ok(url) :
	    !model_https_ok(url)) {
		*what = b->kind == BUTTON_OPEN_URL ? "open_url" : "webhook";
		*text = xstrdup(url);
	} else if (b->body != NULL && !model_json_object_ok(body.data)) {
		*what = "body";
		*text = xstrdup(body.data);
	} else
		o = api_button(title, b->kind == BUTTON_WEBHOOK, url, b->method,
		    b->body != NULL ? body.data : NULL);
	free(title);
	free(url);
	buf_free(&body);
	return o;
}
