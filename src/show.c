/*
 * show.c: a request in words, for the dry run (-n) to print one line per
 * request.  It reads the request's JSON body, the very text the server
 * would get, so what it says cannot drift from what is sent: the title,
 * subtitle, progress (3/8, 42%, 5/10, a timer or metrics), message and
 * colour of a Live Activity; the title and message of a push; a badge's
 * count; a metric's key and value.
 */
#include <stdio.h>
#include <string.h>

#include "show.h"

/* Append s with control characters as spaces; nothing for NULL. */
static void
show_text(struct buf *b, const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			buf_addstr(b, " ");
		else
			buf_add(b, s, 1);
}

/* The JSON value of key in o as text, or NULL if o has none. */
static const char *
show_get(struct json_object *o, const char *key)
{
	struct json_object	*v;

	if (o == NULL || !json_object_object_get_ex(o, key, &v) || v == NULL)
		return NULL;
	return json_object_get_string(v);
}

/* Append "  " and the text of key in o, if o has it. */
static void
show_field(struct buf *b, struct json_object *o, const char *key)
{
	const char	*s;

	if ((s = show_get(o, key)) == NULL)
		return;
	buf_addstr(b, "  ");
	show_text(b, s);
}

/* The progress of a content state: 3/8, 42%, 5/10, a timer, metrics. */
static void
show_progress(struct buf *b, struct json_object *cs)
{
	struct json_object	*list, *m;
	const char		*cur, *total, *s;
	size_t			 i, n;

	cur = show_get(cs, "current_step");
	total = show_get(cs, "number_of_steps");
	if (cur != NULL || total != NULL) {
		buf_addstr(b, "  ");
		show_text(b, cur != NULL ? cur : "?");
		buf_addstr(b, "/");
		show_text(b, total != NULL ? total : "?");
	}
	if ((s = show_get(cs, "percentage")) != NULL) {
		buf_addstr(b, "  ");
		show_text(b, s);
		buf_addstr(b, "%");
	}
	if ((s = show_get(cs, "upper_limit")) != NULL) {
		buf_addstr(b, "  ");
		show_text(b, show_get(cs, "value"));
		buf_addstr(b, "/");
		show_text(b, s);
	}
	if ((s = show_get(cs, "duration_seconds")) != NULL) {
		buf_addstr(b, "  timer ");
		show_text(b, s);
		buf_addstr(b, "s");
	} else if (show_get(cs, "counts_down") != NULL)
		buf_addstr(b, "  timer");
	if (!json_object_object_get_ex(cs, "metrics", &list) ||
	    !json_object_is_type(list, json_type_array))
		return;
	n = json_object_array_length(list);
	for (i = 0; i < n; i++) {
		m = json_object_array_get_idx(list, i);
		buf_addstr(b, i == 0 ? "  " : ", ");
		show_text(b, show_get(m, "label"));
		buf_addstr(b, " ");
		show_text(b, show_get(m, "value"));
	}
}

static void
show_live_activity(const struct request *r, const char *what,
    struct buf *b)
{
	struct json_object	*cs = NULL;
	const char		*title, *msg;

	json_object_object_get_ex(r->body, "content_state", &cs);
	buf_addstr(b, what);
	show_field(b, cs, "title");
	show_field(b, cs, "subtitle");
	show_progress(b, cs);
	/* An alert without a message repeats its title there: said once. */
	title = show_get(cs, "title");
	if ((msg = show_get(cs, "message")) != NULL &&
	    (title == NULL || strcmp(msg, title) != 0))
		show_field(b, cs, "message");
	show_field(b, cs, "color");
}

static void
show_push(const struct request *r, struct buf *b)
{
	const char	*s;

	buf_addstr(b, "push  ");
	show_text(b, show_get(r->body, "title"));
	if ((s = show_get(r->body, "subtitle")) != NULL) {
		buf_addstr(b, ", ");
		show_text(b, s);
	}
	if ((s = show_get(r->body, "message")) != NULL) {
		buf_addstr(b, ": ");
		show_text(b, s);
	}
}

/* A metric's key, from its path /metrics/KEY/value. */
static void
show_metric(const struct request *r, struct buf *b)
{
	const char	*key = r->path, *end;

	if (strncmp(key, "/metrics/", 9) == 0)
		key += 9;
	if ((end = strrchr(key, '/')) == NULL)
		end = key + strlen(key);
	buf_addstr(b, "metric  ");
	buf_add(b, key, (size_t)(end - key));
	show_field(b, r->body, "value");
}

void
show_request(const struct request *r, struct buf *b)
{
	switch (r->kind) {
	case REQUEST_PUSH:
		show_push(r, b);
		break;
	case REQUEST_BADGE:
		buf_addstr(b, "badge");
		show_field(b, r->body, "badge");
		break;
	case REQUEST_METRIC:
		show_metric(r, b);
		break;
	case REQUEST_START:
	case REQUEST_UPDATE:
	case REQUEST_STREAM_PUT:
		show_live_activity(r, r->first ? "start" : "update", b);
		break;
	case REQUEST_END:
	case REQUEST_STREAM_DELETE:
		show_live_activity(r, "end", b);
		break;
	}
}
