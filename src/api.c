/*
 * api.c: building ActivitySmith requests.
 *
 * Only keys that are set are emitted: the API tells "current_step": 0 from a
 * missing current_step, and rejects nulls and unknown keys.  Numbers that are
 * whole are sent as JSON integers.  A content_state, and a push's body, is
 * kept within API_BODY_MAX bytes of JSON by cutting its texts (json_fit).
 * The API reference (its "Push notifications" and "Live Activities"
 * sections) says what each endpoint takes.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "buf.h"
#include "model.h"
#include "msg.h"
#include "xmalloc.h"

struct instance *
instance_new(void)
{
	struct instance	*in;

	in = xcalloc(1, sizeof *in);
	atomic_init(&in->refs, 1);
	return in;
}

struct instance *
instance_ref(struct instance *in)
{
	atomic_fetch_add(&in->refs, 1);
	return in;
}

void
instance_unref(struct instance *in)
{
	if (in == NULL || atomic_fetch_sub(&in->refs, 1) > 1)
		return;
	free(in->id);
	free(in);
}

void
content_init(struct content *c)
{
	memset(c, 0, sizeof *c);
	c->current = -1;
	c->percent = -1;
	c->counts_down = -1;
	c->running = -1;
	c->auto_dismiss_s = -1;
}

void
content_free(struct content *c)
{
	int	i;

	free(c->title);
	free(c->subtitle);
	free(c->message);
	free(c->step_colors);
	free(c->icon);
	free(c->badge);
	json_object_put(c->button[0]);
	json_object_put(c->button[1]);
	for (i = 0; i < c->nmetrics; i++) {
		free(c->metrics[i].label);
		free(c->metrics[i].value);
	}
	content_init(c);
}

static char *
strdup_or_null(const char *s)
{
	return s == NULL ? NULL : xstrdup(s);
}

void
content_copy(struct content *dst, const struct content *src)
{
	int	i;

	content_free(dst);
	*dst = *src;
	dst->title = strdup_or_null(src->title);
	dst->subtitle = strdup_or_null(src->subtitle);
	dst->message = strdup_or_null(src->message);
	dst->step_colors = strdup_or_null(src->step_colors);
	dst->icon = strdup_or_null(src->icon);
	dst->badge = strdup_or_null(src->badge);
	for (i = 0; i < 2; i++)
		dst->button[i] = json_object_get(src->button[i]);
	for (i = 0; i < src->nmetrics; i++) {
		dst->metrics[i].label = xstrdup(src->metrics[i].label);
		dst->metrics[i].value = xstrdup(src->metrics[i].value);
	}
}

static void
add_string(struct json_object *o, const char *key, const char *value)
{
	if (value != NULL)
		json_object_object_add(o, key, json_object_new_string(value));
}

/* The fields of issue 15 (icon, badge, buttons ...) into a saved content. */
static void
content_save_extras(struct json_object *o, const struct content *c)
{
	struct json_object	*list;
	int			 i;

	json_object_object_add(o, "counts_down",
	    json_object_new_int64(c->counts_down));
	json_object_object_add(o, "running", json_object_new_int64(c->running));
	json_object_object_add(o, "auto_dismiss_s",
	    json_object_new_int64(c->auto_dismiss_s));
	add_string(o, "step_colors", c->step_colors);
	add_string(o, "icon", c->icon);
	add_string(o, "icon_color", c->icon_color);
	add_string(o, "badge", c->badge);
	add_string(o, "badge_color", c->badge_color);
	list = json_object_new_array();
	for (i = 0; i < 2 && c->button[i] != NULL; i++)
		json_object_array_add(list, json_object_get(c->button[i]));
	json_object_object_add(o, "buttons", list);
}

struct json_object *
content_save(const struct content *c)
{
	struct json_object	*o, *m, *pair;
	int			 i;

	o = json_object_new_object();
	add_string(o, "title", c->title);
	add_string(o, "subtitle", c->subtitle);
	add_string(o, "message", c->message);
	json_object_object_add(o, "current", json_object_new_int64(c->current));
	json_object_object_add(o, "total", json_object_new_int64(c->total));
	json_object_object_add(o, "percent", json_object_new_double(c->percent));
	json_object_object_add(o, "value", json_object_new_double(c->value));
	json_object_object_add(o, "upper", json_object_new_double(c->upper));
	add_string(o, "color", c->color);
	add_string(o, "step_color", c->step_color);
	json_object_object_add(o, "duration_s",
	    json_object_new_int64(c->duration_s));
	content_save_extras(o, c);
	m = json_object_new_array();
	for (i = 0; i < c->nmetrics; i++) {
		pair = json_object_new_array();
		json_object_array_add(pair,
		    json_object_new_string(c->metrics[i].label));
		json_object_array_add(pair,
		    json_object_new_string(c->metrics[i].value));
		json_object_array_add(m, pair);
	}
	json_object_object_add(o, "metrics", m);
	return o;
}

static char *
saved_string(struct json_object *o, const char *key)
{
	struct json_object	*v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return xstrdup(json_object_get_string(v));
}

static double
saved_number(struct json_object *o, const char *key, double dflt)
{
	struct json_object	*v;

	if (!json_object_object_get_ex(o, key, &v))
		return dflt;
	return json_object_get_double(v);
}

/* Whether key is absent, or of the given type (an int is a double too). */
static int
saved_is(struct json_object *o, const char *key, enum json_type type)
{
	struct json_object	*v;

	if (!json_object_object_get_ex(o, key, &v))
		return 1;
	if (type == json_type_double && json_object_is_type(v, json_type_int))
		return 1;
	return json_object_is_type(v, type);
}

/* Whether key is absent or a whole number in [min, max]. */
static int
saved_count(struct json_object *o, const char *key, int64_t min, int64_t max)
{
	struct json_object	*v;
	int64_t			 n;

	if (!json_object_object_get_ex(o, key, &v))
		return 1;
	if (!json_object_is_type(v, json_type_int))
		return 0;
	n = json_object_get_int64(v);
	return n >= min && n <= max;
}

/* Whether key is absent or a number in [min, max]. */
static int
saved_real(struct json_object *o, const char *key, double min, double max)
{
	double	d;

	if (!saved_is(o, key, json_type_double))
		return 0;
	d = saved_number(o, key, min);
	return d >= min && d <= max;
}

/* Whether the saved buttons are absent, or up to two the API takes. */
static int
saved_buttons_ok(struct json_object *o)
{
	struct json_object	*list, *b, *v;
	const char		*type, *url;
	size_t			 i;

	if (!json_object_object_get_ex(o, "buttons", &list))
		return 1;
	if (!json_object_is_type(list, json_type_array) ||
	    json_object_array_length(list) > 2)
		return 0;
	for (i = 0; i < json_object_array_length(list); i++) {
		b = json_object_array_get_idx(list, i);
		if (!json_object_is_type(b, json_type_object) ||
		    !saved_is(b, "title", json_type_string) ||
		    !json_object_object_get_ex(b, "type", &v) ||
		    (type = json_object_get_string(v)) == NULL ||
		    !json_object_object_get_ex(b, "url", &v) ||
		    !json_object_is_type(v, json_type_string) ||
		    (url = json_object_get_string(v)) == NULL)
			return 0;
		if (strcmp(type, "open_url") == 0 ? !model_url_ok(url) :
		    strcmp(type, "webhook") != 0 || !model_https_ok(url))
			return 0;
	}
	return 1;
}

const char *
content_check(struct json_object *o)
{
	static const char	*strings[] = { "title", "subtitle", "message",
				    "color", "step_color", "step_colors", "icon",
				    "icon_color", "badge", "badge_color" };
	struct json_object	*m, *pair;
	size_t			 i;

	if (!json_object_is_type(o, json_type_object))
		return "content is not an object";
	for (i = 0; i < sizeof strings / sizeof strings[0]; i++)
		if (!saved_is(o, strings[i], json_type_string))
			return "a text field is not a string";
	if (!saved_count(o, "current", -1, INT32_MAX) ||
	    !saved_count(o, "total", 0, INT32_MAX) ||
	    !saved_count(o, "duration_s", 0, INT32_MAX) ||
	    !saved_count(o, "counts_down", -1, 1) ||
	    !saved_count(o, "running", -1, 1) ||
	    !saved_count(o, "auto_dismiss_s", -1, 86400))
		return "a count is not a whole number in range";
	if (!saved_buttons_ok(o))
		return "a button is not one the API takes";
	if (!saved_real(o, "percent", -1, 100) ||
	    !saved_real(o, "value", -1e15, 1e15) ||
	    !saved_real(o, "upper", -1e15, 1e15))
		return "a value is not a number in range";
	if (!json_object_object_get_ex(o, "metrics", &m))
		return NULL;
	if (!json_object_is_type(m, json_type_array))
		return "metrics is not a list";
	for (i = 0; i < json_object_array_length(m); i++) {
		pair = json_object_array_get_idx(m, i);
		if (!json_object_is_type(pair, json_type_array) ||
		    json_object_array_length(pair) != 2 ||
		    !json_object_is_type(json_object_array_get_idx(pair, 0),
		    json_type_string) ||
		    !json_object_is_type(json_object_array_get_idx(pair, 1),
		    json_type_string))
			return "a metric is not a pair of strings";
	}
	return NULL;
}

/* A saved colour, as the API spells it, or NULL. */
static const char *
saved_color(struct json_object *o, const char *key)
{
	struct json_object	*v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return model_color(json_object_get_string(v));
}

/* What content_save_extras saved, checked by content_check. */
static void
content_restore_extras(struct content *c, struct json_object *o)
{
	struct json_object	*list;
	size_t			 i;

	c->counts_down = (int)saved_number(o, "counts_down", -1);
	c->running = (int)saved_number(o, "running", -1);
	c->auto_dismiss_s = (long)saved_number(o, "auto_dismiss_s", -1);
	c->step_colors = saved_string(o, "step_colors");
	if (c->step_colors != NULL && !model_colors_ok(c->step_colors)) {
		free(c->step_colors);
		c->step_colors = NULL;
	}
	c->icon = saved_string(o, "icon");
	if (c->icon != NULL && !model_symbol_ok(c->icon)) {
		free(c->icon);
		c->icon = NULL;
	}
	c->icon_color = saved_color(o, "icon_color");
	c->badge = saved_string(o, "badge");
	c->badge_color = saved_color(o, "badge_color");
	if (!json_object_object_get_ex(o, "buttons", &list))
		return;
	for (i = 0; i < json_object_array_length(list) && i < 2; i++)
		c->button[i] = json_object_get(json_object_array_get_idx(list,
		    i));
}

void
content_restore(struct content *c, struct json_object *o)
{
	struct json_object	*m, *pair;
	char			*color;
	size_t			 i;

	content_free(c);
	c->title = saved_string(o, "title");
	c->subtitle = saved_string(o, "subtitle");
	c->message = saved_string(o, "message");
	c->current = (long)saved_number(o, "current", -1);
	c->total = (long)saved_number(o, "total", 0);
	c->percent = saved_number(o, "percent", -1);
	c->value = saved_number(o, "value", 0);
	c->upper = saved_number(o, "upper", 0);
	c->duration_s = (long)saved_number(o, "duration_s", 0);
	if ((color = saved_string(o, "color")) != NULL)
		c->color = model_color(color);
	free(color);
	if ((color = saved_string(o, "step_color")) != NULL)
		c->step_color = model_color(color);
	free(color);
	content_restore_extras(c, o);
	if (!json_object_object_get_ex(o, "metrics", &m) ||
	    !json_object_is_type(m, json_type_array))
		return;
	for (i = 0; i < json_object_array_length(m) &&
	    c->nmetrics < CONTENT_MAX_METRICS; i++) {
		pair = json_object_array_get_idx(m, i);
		if (json_object_array_length(pair) != 2)
			continue;
		c->metrics[c->nmetrics].label = xstrdup(json_object_get_string(
		    json_object_array_get_idx(pair, 0)));
		c->metrics[c->nmetrics++].value = xstrdup(
		    json_object_get_string(json_object_array_get_idx(pair, 1)));
	}
}

static int
str_equal(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

int
content_equal(const struct content *a, const struct content *b)
{
	int	i;

	if (!str_equal(a->title, b->title) ||
	    !str_equal(a->subtitle, b->subtitle) ||
	    !str_equal(a->message, b->message) ||
	    a->current != b->current || a->total != b->total ||
	    a->percent != b->percent || a->value != b->value ||
	    a->upper != b->upper || !str_equal(a->color, b->color) ||
	    !str_equal(a->step_color, b->step_color) ||
	    a->duration_s != b->duration_s || a->nmetrics != b->nmetrics ||
	    a->counts_down != b->counts_down || a->running != b->running ||
	    a->auto_dismiss_s != b->auto_dismiss_s ||
	    !str_equal(a->step_colors, b->step_colors) ||
	    !str_equal(a->icon, b->icon) ||
	    !str_equal(a->icon_color, b->icon_color) ||
	    !str_equal(a->badge, b->badge) ||
	    !str_equal(a->badge_color, b->badge_color) ||
	    !json_object_equal(a->button[0], b->button[0]) ||
	    !json_object_equal(a->button[1], b->button[1]))
		return 0;
	for (i = 0; i < a->nmetrics; i++)
		if (!str_equal(a->metrics[i].label, b->metrics[i].label) ||
		    !str_equal(a->metrics[i].value, b->metrics[i].value))
			return 0;
	return 1;
}

/* A JSON number: an integer when whole, else as printed with %.15g. */
static struct json_object *
json_number(double d)
{
	char	tmp[64];

	if (d == floor(d) && fabs(d) < 9e15)
		return json_object_new_int64((int64_t)d);
	snprintf(tmp, sizeof tmp, "%.15g", d);
	return json_object_new_double_s(d, tmp);
}

/* A metric value: a number if the text is one and >= 0, else the text. */
static struct json_object *
json_metric_value(const char *s)
{
	char	*end;
	double	 d;

	d = strtod(s, &end);
	if (end != s && *end == '\0' && isfinite(d) && d >= 0 &&
	    strspn(s, "0123456789.") == strlen(s))
		return json_number(d);
	return json_object_new_string(s);
}


/* The config file's channels: see api_default_channels. */
static char	**default_channels;

void
api_default_channels(char **channels)
{
	default_channels = channels != NULL && channels[0] != NULL ?
	    channels : NULL;
}

/* The channels a request names, or else the default ones; or NULL. */
static char **
api_channels(char **channels)
{
	return channels != NULL && channels[0] != NULL ? channels :
	    default_channels;
}

static struct json_object *
json_channels(char **channels)
{
	struct json_object	*target, *list;

	target = json_object_new_object();
	list = json_object_new_array();
	for (; *channels != NULL; channels++)
		json_object_array_add(list, json_object_new_string(*channels));
	json_object_object_add(target, "channels", list);
	return target;
}

/* The length of o as it goes on the wire. */
static size_t
json_len(struct json_object *o)
{
	return strlen(json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
}

/* s cut to at most max (>= 3) bytes on a character boundary, with "…". */
static char *
text_cut(const char *s, size_t max)
{
	size_t	n;

	if (strlen(s) <= max)
		return xstrdup(s);
	n = max - 3;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;		/* not inside a character */
	return xasprintf("%.*s\xe2\x80\xa6", (int)n, s);
}

/* The texts json_fit may cut. */
static const char *fit_keys[] = { "title", "subtitle", "message" };
#define FIT_KEYS (sizeof fit_keys / sizeof fit_keys[0])

/* Set o's texts to text[] (NULL: absent) cut to cap bytes; return o's length. */
static size_t
json_fit_cap(struct json_object *o, char *const *text, size_t cap)
{
	size_t	i;
	char	*s;

	for (i = 0; i < FIT_KEYS; i++) {
		if (text[i] == NULL)
			continue;
		s = text_cut(text[i], cap);
		json_object_object_add(o, fit_keys[i],
		    json_object_new_string(s));
		free(s);
	}
	return json_len(o);
}

/*
 * Keep o within API_BODY_MAX bytes of JSON: find the largest cap such that
 * with every text cut to it o fits, so that the longest texts are cut first
 * and no more than needed (a binary search: about 12 tries for a 4 KB
 * text).  Returns whether o fits; if what makes it long is not a text, it
 * does not, and o is left as it was.
 */
static int
json_fit(struct json_object *o)
{
	struct json_object	*v;
	char			*text[FIT_KEYS] = { NULL };
	size_t			 i, lo = 3, hi = 0, mid;
	int			 fits;

	if (json_len(o) <= API_BODY_MAX)
		return 1;
	for (i = 0; i < FIT_KEYS; i++)
		if (json_object_object_get_ex(o, fit_keys[i], &v) &&
		    json_object_is_type(v, json_type_string)) {
			text[i] = xstrdup(json_object_get_string(v));
			if (strlen(text[i]) > hi)
				hi = strlen(text[i]);
		}
	while (lo < hi) {	/* lo fits (or is the least), hi + 1 does not */
		mid = lo + (hi - lo + 1) / 2;
		if (json_fit_cap(o, text, mid) <= API_BODY_MAX)
			lo = mid;
		else
			hi = mid - 1;
	}
	fits = json_fit_cap(o, text, lo) <= API_BODY_MAX;
	if (!fits)
		json_fit_cap(o, text, SIZE_MAX);
	for (i = 0; i < FIT_KEYS; i++)
		free(text[i]);
	return fits;
}

static struct request *
request_new(enum request_kind kind, char *path)
{
	struct request	*r;

	r = xcalloc(1, sizeof *r);
	r->kind = kind;
	r->path = path;
	r->body = json_object_new_object();
	return r;
}

/* text as a new JSON object, or NULL if it is not one. */
static struct json_object *
json_object_text(const char *text)
{
	struct json_object	*o;

	if ((o = json_tokener_parse(text)) != NULL &&
	    !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		o = NULL;
	}
	return o;
}

struct request *
api_push_new(const struct push *p)
{
	static const char	*uncut[] = { "redirection", "media", "payload",
				    "actions" };
	struct request		*r;
	struct json_object	*list, *payload;
	char			**channels;
	size_t			 i;

	r = request_new(REQUEST_PUSH, xstrdup("/push-notification"));
	add_string(r->body, "title", p->title);
	add_string(r->body, "message", p->message);
	add_string(r->body, "subtitle", p->subtitle);
	add_string(r->body, "redirection", p->url);
	add_string(r->body, "sound", p->sound);
	if (p->badge >= 0)
		json_object_object_add(r->body, "badge",
		    json_object_new_int64(p->badge));
	if (p->payload != NULL &&
	    (payload = json_object_text(p->payload)) != NULL)
		json_object_object_add(r->body, "payload", payload);
	/* The API takes media or actions, never both. */
	if (p->nactions > 0) {
		list = json_object_new_array();
		for (i = 0; i < p->nactions; i++)
			json_object_array_add(list, p->actions[i]);
		json_object_object_add(r->body, "actions", list);
	} else
		add_string(r->body, "media", p->media);
	if ((channels = api_channels(p->channels)) != NULL)
		json_object_object_add(r->body, "target",
		    json_channels(channels));
	/*
	 * A url, a payload or a button cut would be broken: if the texts
	 * cannot make room, drop them, one after the other.
	 */
	for (i = 0; !json_fit(r->body) && i < sizeof uncut / sizeof uncut[0];
	    i++)
		json_object_object_del(r->body, uncut[i]);
	return r;
}

struct request *
api_push(const char *title, const char *message, const char *subtitle,
    const char *url, char **channels)
{
	struct push	p;

	memset(&p, 0, sizeof p);
	p.title = title;
	p.message = message;
	p.subtitle = subtitle;
	p.url = url;
	p.badge = -1;
	p.channels = channels;
	return api_push_new(&p);
}

struct request *
api_badge(long count)
{
	struct request	*r;

	r = request_new(REQUEST_BADGE, xstrdup("/badge"));
	json_object_object_add(r->body, "badge", json_object_new_int64(count));
	return r;
}

struct json_object *
api_button(const char *title, int webhook, const char *url,
    const char *method, const char *body)
{
	struct json_object	*o, *b = NULL;

	if (body != NULL && (b = json_object_text(body)) == NULL)
		return NULL;
	o = json_object_new_object();
	add_string(o, "title", title);
	add_string(o, "type", webhook ? "webhook" : "open_url");
	add_string(o, "url", url);
	add_string(o, "method", method);
	if (b != NULL)
		json_object_object_add(o, "body", b);
	return o;
}

struct request *
api_metric(const char *key, const char *value)
{
	struct request	*r;
	char		*end;
	double		 d;

	r = request_new(REQUEST_METRIC, xasprintf("/metrics/%s/value", key));
	d = strtod(value, &end);
	if (end != value && *end == '\0' && isfinite(d))
		json_object_object_add(r->body, "value", json_number(d));
	else
		json_object_object_add(r->body, "value",
		    json_object_new_string(value));
	return r;
}

/*
 * A timer's window goes only on the start: duration_seconds to count down
 * from, counts_down false to count up (open-ended without a duration);
 * is_running once a rule has paused or resumed it.
 */
static void
content_add_timer(struct json_object *cs, const struct content *c, int first)
{
	if (first && c->duration_s > 0)
		json_object_object_add(cs, "duration_seconds",
		    json_object_new_int64(c->duration_s));
	if (first && (c->duration_s == 0 || c->counts_down >= 0))
		json_object_object_add(cs, "counts_down",
		    json_object_new_boolean(c->duration_s > 0 &&
		    c->counts_down != 0));
	if (c->running >= 0)
		json_object_object_add(cs, "is_running",
		    json_object_new_boolean(c->running));
}

/*
 * The colours of the completed steps: one per step done, the list's last
 * colour repeated when it is shorter.
 */
static void
content_add_step_colors(struct json_object *cs, const struct content *c)
{
	struct json_object	*list;
	char			*copy, *word, *last, *next;
	long			 i;

	if (c->step_colors == NULL || c->current <= 0)
		return;
	list = json_object_new_array();
	copy = xstrdup(c->step_colors);
	word = strtok_r(copy, ",", &last);
	for (i = 0; i < c->current && word != NULL; i++) {
		json_object_array_add(list, json_object_new_string(word));
		if ((next = strtok_r(NULL, ",", &last)) != NULL)
			word = next;
	}
	free(copy);
	json_object_object_add(cs, "step_colors", list);
}

/* An icon or a badge: {"symbol" or "title": text, "color": color}. */
static void
content_add_mark(struct json_object *cs, const char *key, const char *name,
    const char *text, const char *color)
{
	struct json_object	*o;

	if (text == NULL)
		return;
	o = json_object_new_object();
	add_string(o, name, text);
	add_string(o, "color", color);
	json_object_object_add(cs, key, o);
}

static void
content_add_type_fields(struct json_object *cs, enum activity_type type,
    const struct content *c, int first)
{
	struct json_object	*list, *m;
	int			 i;

	switch (type) {
	case TYPE_SEGMENTED_PROGRESS:
		if (c->total > 0)
			json_object_object_add(cs, "number_of_steps",
			    json_object_new_int64(c->total));
		if (c->current >= 0)
			json_object_object_add(cs, "current_step",
			    json_object_new_int64(c->current));
		break;
	case TYPE_PROGRESS:
		if (c->percent >= 0)
			json_object_object_add(cs, "percentage",
			    json_number(c->percent));
		else if (c->upper > 0) {
			json_object_object_add(cs, "value",
			    json_number(c->value));
			json_object_object_add(cs, "upper_limit",
			    json_number(c->upper));
		}
		break;
	case TYPE_TIMER:
		content_add_timer(cs, c, first);
		break;
	case TYPE_METRICS:
	case TYPE_STATS:
		list = json_object_new_array();
		for (i = 0; i < c->nmetrics; i++) {
			m = json_object_new_object();
			add_string(m, "label", c->metrics[i].label);
			json_object_object_add(m, "value",
			    json_metric_value(c->metrics[i].value));
			json_object_array_add(list, m);
		}
		json_object_object_add(cs, "metrics", list);
		break;
	case TYPE_ALERT:
		break;
	}
}

static struct json_object *
content_state(enum request_kind kind, int first, enum activity_type type,
    const struct content *c, long auto_dismiss_min)
{
	struct json_object	*cs;
	int			 end;

	end = kind == REQUEST_END || kind == REQUEST_STREAM_DELETE;
	cs = json_object_new_object();
	add_string(cs, "title", c->title);
	add_string(cs, "subtitle", c->subtitle);
	if (kind == REQUEST_START || kind == REQUEST_STREAM_PUT)
		add_string(cs, "type", model_type_name(type));
	content_add_type_fields(cs, type, c, first);
	if (type == TYPE_ALERT || c->message != NULL)
		add_string(cs, "message", c->message != NULL ? c->message :
		    c->title);
	add_string(cs, "color", c->color);
	if (type == TYPE_SEGMENTED_PROGRESS) {
		add_string(cs, "step_color", c->step_color);
		content_add_step_colors(cs, c);
	}
	content_add_mark(cs, "icon", "symbol", c->icon, c->icon_color);
	if (model_type_has_badge(type))
		content_add_mark(cs, "badge", "title", c->badge,
		    c->badge_color);
	if (end && auto_dismiss_min >= 0)
		json_object_object_add(cs, "auto_dismiss_minutes",
		    json_object_new_int64(auto_dismiss_min));
	else if (kind == REQUEST_STREAM_DELETE && c->auto_dismiss_s >= 0)
		json_object_object_add(cs, "auto_dismiss_seconds",
		    json_object_new_int64(c->auto_dismiss_s));
	else if (end && c->auto_dismiss_s >= 0)	/* classic: minutes only */
		json_object_object_add(cs, "auto_dismiss_minutes",
		    json_object_new_int64((c->auto_dismiss_s + 59) / 60));
	json_fit(cs);
	return cs;
}

/*
 * A copy of o for a request: the sender thread writes into the objects it
 * prints, and json-c counts references without atomics, so a request
 * shares nothing with the reader's state.
 */
static struct json_object *
json_copy(struct json_object *o)
{
	struct json_object	*copy = NULL;

	if (json_object_deep_copy(o, &copy, NULL) != 0)
		msg_fatalx(1, "out of memory");
	return copy;
}

static const char *
stream_path_kind(enum request_kind kind)
{
	return kind == REQUEST_STREAM_PUT || kind == REQUEST_STREAM_DELETE ?
	    "stream" : NULL;
}

struct request *
api_live_activity(enum request_kind kind, int first, const char *name,
    enum activity_type type, const struct content *c, long auto_dismiss_min,
    char **channels, struct instance *in, const char *key)
{
	static const char	*paths[] = { NULL, NULL, NULL,
	    "/live-activity/start", "/live-activity/update",
	    "/live-activity/end" };
	struct request		*r;
	char			*path;

	if (stream_path_kind(kind) != NULL)
		path = xasprintf("/live-activity/stream/%s", key);
	else
		path = xstrdup(paths[kind]);
	r = request_new(kind, path);
	r->activity = xstrdup(name);
	json_object_object_add(r->body, "content_state",
	    content_state(kind, first, type, c, auto_dismiss_min));
	if (c->button[0] != NULL)
		json_object_object_add(r->body, "action",
		    json_copy(c->button[0]));
	if (c->button[1] != NULL && model_type_has_badge(type))
		json_object_object_add(r->body, "secondary_action",
		    json_copy(c->button[1]));
	if ((kind == REQUEST_START || kind == REQUEST_STREAM_PUT) &&
	    (channels = api_channels(channels)) != NULL)
		json_object_object_add(r->body, "target",
		    json_channels(channels));
	if (in != NULL)
		r->instance = instance_ref(in);
	r->first = first;
	return r;
}

void
api_say_type(struct request *r, enum activity_type type)
{
	struct json_object	*cs;

	if (json_object_object_get_ex(r->body, "content_state", &cs))
		add_string(cs, "type", model_type_name(type));
}

/*
 * What only the request that starts a run says in its content_state
 * (content_state, content_add_type_fields): kept when a later state is
 * folded into the start.  A key added there for first requests only
 * belongs here too.
 */
static const char *const start_only[] = {
	"type", "duration_seconds", "counts_down", NULL
};

static int
start_only_key(const char *key)
{
	const char *const	*k;

	for (k = start_only; *k != NULL; k++)
		if (strcmp(*k, key) == 0)
			return 1;
	return 0;
}

int
api_fold_into_start(struct request *start, const struct request *update)
{
	struct json_object	*old, *later, *cs = NULL;

	if (!start->first || update->first ||
	    update->instance != start->instance)
		return 0;
	if (!(start->kind == REQUEST_START && update->kind == REQUEST_UPDATE) &&
	    !(start->kind == REQUEST_STREAM_PUT &&
	    update->kind == REQUEST_STREAM_PUT))
		return 0;
	if (!json_object_object_get_ex(start->body, "content_state", &old) ||
	    !json_object_object_get_ex(update->body, "content_state", &later) ||
	    json_object_deep_copy(old, &cs, NULL) != 0)
		return 0;
	/* The start's keys keep their places; the later state's values. */
	json_object_object_foreach(old, key, val) {
		(void)val;
		if (!start_only_key(key) &&
		    !json_object_object_get_ex(later, key, NULL))
			json_object_object_del(cs, key);
	}
	json_object_object_foreach(later, lkey, lval)
		json_object_object_add(cs, lkey, json_object_get(lval));
	json_object_object_foreach(update->body, bkey, bval)
		if (strcmp(bkey, "content_state") != 0)
			json_object_object_add(start->body, bkey,
			    json_object_get(bval));
	json_object_object_add(start->body, "content_state", cs);
	return 1;
}

void
request_free(struct request *r)
{
	if (r == NULL)
		return;
	json_object_put(r->body);
	instance_unref(r->instance);
	free(r->activity);
	free(r->path);
	free(r);
}

static char *
reply_string(struct json_object *o, const char *key)
{
	struct json_object	*v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return xstrdup(json_object_get_string(v));
}

char *
api_reply_text(const char *body)
{
	struct json_object	*o;
	struct buf		 b;
	char			*text;

	if (body == NULL || *body == '\0')
		return xstrdup("");
	if ((o = json_tokener_parse(body)) == NULL ||
	    !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return xasprintf("%s\n", body);
	}
	buf_init(&b, 64 * 1024);
	json_object_object_foreach(o, key, v) {
		buf_addstr(&b, key);
		buf_addstr(&b, ": ");
		buf_addstr(&b, json_object_is_type(v, json_type_string) ?
		    json_object_get_string(v) : json_object_to_json_string_ext(v,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		buf_addstr(&b, "\n");
	}
	json_object_put(o);
	text = xstrdup(buf_str(&b));
	buf_free(&b);
	return text;
}

void
api_reply_parse(const char *body, struct api_reply *reply)
{
	struct json_object	*o, *v;

	memset(reply, 0, sizeof *reply);
	if ((o = json_tokener_parse(body)) == NULL)
		return;
	if (json_object_is_type(o, json_type_object)) {
		reply->activity_id = reply_string(o, "activity_id");
		reply->previous_activity_id = reply_string(o,
		    "previous_activity_id");
		reply->operation = reply_string(o, "operation");
		reply->error = reply_string(o, "error");
		reply->message = reply_string(o, "message");
		if (json_object_object_get_ex(o, "limit", &v)) {
			reply->limit = 1;
			reply->limit_max = json_object_get_int64(v);
		}
		if (json_object_object_get_ex(o, "active", &v))
			reply->limit_active = json_object_get_int64(v);
	}
	json_object_put(o);
}

void
api_reply_free(struct api_reply *reply)
{
	free(reply->activity_id);
	free(reply->previous_activity_id);
	free(reply->operation);
	free(reply->error);
	free(reply->message);
	memset(reply, 0, sizeof *reply);
}

int
request_is_end(const struct request *r)
{
	return r->kind == REQUEST_END || r->kind == REQUEST_STREAM_DELETE;
}

const char *
request_method(const struct request *r)
{
	switch (r->kind) {
	case REQUEST_STREAM_PUT:
		return "PUT";
	case REQUEST_STREAM_DELETE:
		return "DELETE";
	default:
		return "POST";
	}
}

char *
request_body_json(const struct request *r)
{
	struct json_object	*body;
	char			*s;

	if ((r->kind != REQUEST_UPDATE && r->kind != REQUEST_END) ||
	    r->instance == NULL || r->instance->id == NULL)
		return xstrdup(json_object_to_json_string_ext(r->body,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	/* activity_id goes first, as in the API's examples. */
	body = json_object_new_object();
	json_object_object_add(body, "activity_id",
	    json_object_new_string(r->instance->id));
	json_object_object_foreach(r->body, key, val)
		json_object_object_add(body, key, json_object_get(val));
	s = xstrdup(json_object_to_json_string_ext(body,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(body);
	return s;
}
