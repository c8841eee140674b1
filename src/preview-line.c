/*
 * preview-line.c: drawing one item of what the phone shows as a line of
 * text, the way the lock screen lays it out:
 *
 *   build: Building as-tail · cc main.c ▰▰▰▱▱▱▱▱ 3/8 · 1 queued
 *   push: Build failed · make: *** [all] Error 2
 *
 * A segmented bar has one cell per step, a percentage bar BAR_CELLS cells;
 * both in the activity's colours (a segment in its step colour), or, without
 * PREVIEW_COLOR, as "[###-----]" and the colour's name.  The texts come from
 * log lines: control characters become spaces and bytes that are not UTF-8
 * become '?', so that a line can never move the cursor.  Columns are counted
 * per character, two for the wide ones (CJK, emoji), none for combining
 * marks; a line is cut at the width, never inside a character or a colour.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "preview-line.h"

/* The cells of a percentage bar. */
#define BAR_CELLS	20

/* The line being made: where it goes and how much room is left. */
struct line {
	struct buf	*b;
	int		 flags;
	size_t		 width;		/* 0: no limit */
	size_t		 cols;		/* used so far */
	int		 full;		/* cut: nothing more fits */
	int		 colored;	/* an SGR is in effect */
};

/* The API's colours as 256-colour palette indexes. */
static const struct {
	const char	*name;
	int		 sgr;
} line_colors[] = {
	{ "lime", 154 }, { "green", 34 }, { "cyan", 44 }, { "blue", 33 },
	{ "purple", 99 }, { "magenta", 170 }, { "red", 196 },
	{ "orange", 208 }, { "yellow", 220 }, { "gray", 245 }
};
#define LINE_DIM	245	/* names, marks and empty cells */

/* The palette index of a colour name, or -1. */
static int
line_sgr(const char *color)
{
	size_t	i;

	for (i = 0; color != NULL && i < sizeof line_colors /
	    sizeof line_colors[0]; i++)
		if (strcmp(color, line_colors[i].name) == 0)
			return line_colors[i].sgr;
	return -1;
}

/* The columns code point c takes on a terminal. */
static size_t
line_char_cols(unsigned long c)
{
	if (c >= 0x300 && c <= 0x36f)
		return 0;
	if ((c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) ||
	    (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) ||
	    (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
	    (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x1f300 && c <= 0x1f64f) ||
	    (c >= 0x1f900 && c <= 0x1f9ff) || (c >= 0x20000 && c <= 0x3fffd))
		return 2;
	return 1;
}

/*
 * The UTF-8 character at s: its length in bytes and code point, or 0 when
 * s does not start a valid, shortest-form character.
 */
static size_t
line_decode(const unsigned char *s, unsigned long *c)
{
	size_t	n, i;

	if (s[0] < 0x80) {
		*c = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, *c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, *c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, *c = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*c = (*c << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && *c < 0x800) || (n == 4 && *c < 0x10000) ||
	    *c > 0x10ffff || (*c >= 0xd800 && *c <= 0xdfff))
		return 0;
	return n;
}

/* Start or end a colour (sgr < 0: back to the default). */
static void
line_color(struct line *l, int sgr)
{
	char	seq[32];

	if (!(l->flags & PREVIEW_COLOR) || l->full)
		return;
	if (sgr < 0) {
		if (l->colored)
			buf_addstr(l->b, "\033[0m");
		l->colored = 0;
		return;
	}
	snprintf(seq, sizeof seq, "\033[38;5;%dm", sgr);
	buf_addstr(l->b, seq);
	l->colored = 1;
}

/* Append text, made safe to print, as far as it fits. */
static void
line_text(struct line *l, const char *text)
{
	const unsigned char	*s = (const unsigned char *)text;
	unsigned long		 c;
	size_t			 n, w;

	while (*s != '\0' && !l->full) {
		if ((n = line_decode(s, &c)) == 0) {
			c = '?';
			n = 1;
		}
		if (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f))
			c = c < 0x80 ? ' ' : '?';
		w = line_char_cols(c);
		if (l->width > 0 && l->cols + w > l->width) {
			l->full = 1;
			break;
		}
		if (c == ' ' || c == '?')
			buf_add(l->b, c == ' ' ? " " : "?", 1);
		else
			buf_add(l->b, s, n);
		l->cols += w;
		s += n;
	}
}

/* Append text in a colour (sgr < 0: the default). */
static void
line_colored(struct line *l, const char *text, int sgr)
{
	line_color(l, sgr);
	line_text(l, text);
	if (sgr >= 0)
		line_color(l, -1);
}

/* Between the parts of a line: " · ", or " - " in ASCII. */
static void
line_sep(struct line *l)
{
	line_text(l, l->flags & PREVIEW_UTF8 ? " \xc2\xb7 " : " - ");
}

/* A string member of o, or NULL. */
static const char *
state_string(struct json_object *o, const char *key)
{
	struct json_object	*v;

	if (o == NULL || !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* A number member of o, or -1 when absent. */
static double
state_number(struct json_object *o, const char *key)
{
	struct json_object	*v;

	if (o == NULL || !json_object_object_get_ex(o, key, &v) ||
	    !(json_object_is_type(v, json_type_int) ||
	    json_object_is_type(v, json_type_double)))
		return -1;
	return json_object_get_double(v);
}

/* One cell of a bar, filled or not, in a colour. */
static void
line_cell(struct line *l, int filled, int sgr)
{
	if (l->flags & PREVIEW_UTF8)
		line_colored(l, filled ? "\xe2\x96\xb0" : "\xe2\x96\xb1",
		    filled ? sgr : LINE_DIM);
	else
		line_colored(l, filled ? "#" : "-", filled ? sgr : -1);
}

/* The bar's ends, in ASCII only. */
static void
line_bracket(struct line *l, const char *s)
{
	if (!(l->flags & PREVIEW_UTF8))
		line_text(l, s);
}

/* The colour of step i: step_colors[i], else step_color, else color. */
static int
segment_sgr(struct json_object *st, long i)
{
	struct json_object	*list, *v;
	int			 sgr;

	if (json_object_object_get_ex(st, "step_colors", &list) &&
	    json_object_is_type(list, json_type_array) &&
	    (size_t)i < json_object_array_length(list) &&
	    (v = json_object_array_get_idx(list, (size_t)i)) != NULL &&
	    json_object_is_type(v, json_type_string) &&
	    (sgr = line_sgr(json_object_get_string(v))) >= 0)
		return sgr;
	if ((sgr = line_sgr(state_string(st, "step_color"))) >= 0)
		return sgr;
	return line_sgr(state_string(st, "color"));
}

static void
line_segmented(struct line *l, struct json_object *st)
{
	double	total = state_number(st, "number_of_steps");
	double	current = state_number(st, "current_step");
	char	figure[64];
	long	i;

	if (total < 1 || total > 1000)
		return;
	if (current < 0)
		current = 0;
	line_text(l, " ");
	line_bracket(l, "[");
	for (i = 0; i < (long)total; i++)
		line_cell(l, i < (long)current, segment_sgr(st, i));
	line_bracket(l, "]");
	snprintf(figure, sizeof figure, " %.0f/%.0f", current, total);
	line_text(l, figure);
}

static void
line_progress(struct line *l, struct json_object *st)
{
	double	pct = state_number(st, "percentage");
	double	value = state_number(st, "value");
	double	upper = state_number(st, "upper_limit");
	char	figure[64];
	long	i, filled;
	int	sgr = line_sgr(state_string(st, "color"));

	if (pct >= 0)
		snprintf(figure, sizeof figure, " %.0f%%", pct);
	else if (upper > 0 && value >= 0) {
		pct = 100 * value / upper;
		snprintf(figure, sizeof figure, " %g/%g", value, upper);
	} else
		return;
	if (pct > 100)
		pct = 100;
	filled = lround(pct * BAR_CELLS / 100);
	line_text(l, " ");
	line_bracket(l, "[");
	for (i = 0; i < BAR_CELLS; i++)
		line_cell(l, i < filled, sgr);
	line_bracket(l, "]");
	line_text(l, figure);
}

/* A duration as "4:05" or "1:02:03". */
static void
line_clock(char *out, size_t size, uint64_t ms)
{
	uint64_t	s = ms / 1000;

	if (s >= 3600)
		snprintf(out, size, "%llu:%02llu:%02llu",
		    (unsigned long long)(s / 3600),
		    (unsigned long long)(s / 60 % 60),
		    (unsigned long long)(s % 60));
	else
		snprintf(out, size, "%llu:%02llu", (unsigned long long)(s / 60),
		    (unsigned long long)(s % 60));
}

/*
 * A timer: its time since the start was delivered (up to the end), or the
 * time left of its window; without PREVIEW_CLOCK only the window.
 */
static void
line_timer(struct line *l, const struct shown_item *it,
    struct json_object *st, uint64_t now)
{
	double		window = state_number(st, "duration_seconds");
	uint64_t	until = it->ended ? it->ended_ms : now, ran, left;
	char		text[64], clock[32];

	ran = until > it->started_ms ? until - it->started_ms : 0;
	if (!(l->flags & PREVIEW_CLOCK)) {
		if (window <= 0)
			return;
		line_clock(clock, sizeof clock, (uint64_t)window * 1000);
		snprintf(text, sizeof text, " %s timer", clock);
	} else if (window > 0) {
		left = (uint64_t)window * 1000;
		left = ran < left ? left - ran : 0;
		line_clock(clock, sizeof clock, left + 999);
		snprintf(text, sizeof text, " %s left", clock);
	} else {
		line_clock(clock, sizeof clock, ran);
		snprintf(text, sizeof text, " %s", clock);
	}
	line_colored(l, text, line_sgr(state_string(st, "color")));
}

/* Metrics (and stats): " · label value, label value". */
static void
line_metrics(struct line *l, struct json_object *st)
{
	struct json_object	*list, *m, *v;
	const char		*label;
	size_t			 i, n;

	if (!json_object_object_get_ex(st, "metrics", &list) ||
	    !json_object_is_type(list, json_type_array) ||
	    (n = json_object_array_length(list)) == 0)
		return;
	line_sep(l);
	for (i = 0; i < n; i++) {
		m = json_object_array_get_idx(list, i);
		if ((label = state_string(m, "label")) == NULL ||
		    !json_object_object_get_ex(m, "value", &v))
			continue;
		if (i > 0)
			line_text(l, ", ");
		line_text(l, label);
		line_text(l, " ");
		line_text(l, json_object_is_type(v, json_type_string) ?
		    json_object_get_string(v) :
		    json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
	}
}

/* " · text" when there is a text. */
static void
line_part(struct line *l, const char *text)
{
	if (text == NULL || *text == '\0')
		return;
	line_sep(l);
	line_text(l, text);
}

/* The state of a Live Activity, as delivered. */
static void
line_activity(struct line *l, const struct shown_item *it,
    struct json_object *st, uint64_t now)
{
	const char	*type = state_string(st, "type");
	const char	*color = state_string(st, "color");
	const char	*title = state_string(st, "title");

	line_colored(l, title != NULL ? title : it->activity,
	    l->flags & PREVIEW_COLOR ? line_sgr(color) : -1);
	line_part(l, state_string(st, "subtitle"));
	if (type == NULL || strcmp(type, "segmented_progress") == 0)
		line_segmented(l, st);
	if (type == NULL || strcmp(type, "progress") == 0)
		line_progress(l, st);
	if (type != NULL && strcmp(type, "timer") == 0)
		line_timer(l, it, st, now);
	line_metrics(l, st);
	line_part(l, state_string(st, "message"));
	if (!(l->flags & PREVIEW_COLOR) && color != NULL) {
		line_text(l, " (");
		line_text(l, color);
		line_text(l, ")");
	}
	if (it->ended) {
		line_sep(l);
		line_colored(l, "ended", LINE_DIM);
	}
}

/* What is still to come or was lost: " · 2 queued", " · 1 not delivered". */
static void
line_marks(struct line *l, const struct shown_item *it)
{
	char	text[64];

	if ((l->flags & PREVIEW_QUEUE) && it->queued > 0) {
		snprintf(text, sizeof text, "%u queued", it->queued);
		line_sep(l);
		line_colored(l, text, line_sgr("yellow"));
	}
	if (it->failed > 0) {
		snprintf(text, sizeof text, "%u not delivered", it->failed);
		line_sep(l);
		line_colored(l, text, line_sgr("red"));
	}
}

void
preview_line(struct buf *b, const struct shown_item *it, uint64_t now,
    int flags, size_t width)
{
	struct line		 l;
	struct json_object	*st = NULL;

	memset(&l, 0, sizeof l);
	l.b = b;
	l.flags = flags;
	l.width = width;
	line_colored(&l, it->activity != NULL ? it->activity : "push",
	    LINE_DIM);
	line_colored(&l, ": ", LINE_DIM);
	if (it->state != NULL)
		st = json_tokener_parse(it->state);
	if (st == NULL)
		line_colored(&l, "nothing delivered yet", LINE_DIM);
	else if (it->activity != NULL)
		line_activity(&l, it, st, now);
	else {
		line_text(&l, state_string(st, "title") != NULL ?
		    state_string(st, "title") : "");
		line_part(&l, state_string(st, "message"));
	}
	line_marks(&l, it);
	json_object_put(st);
	l.full = 0;
	line_color(&l, -1);
}
