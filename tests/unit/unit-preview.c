/*
 * unit-preview.c: drives the pure parts of --preview: src/preview-line.c
 * (one item as a line: bars, figures, timers, marks, safe text, width),
 * src/shown.c (what a delivered request leaves on the phone) and
 * ansi_cut (a draw must not split an escape sequence).  Prints "ok NAME"
 * or "not ok NAME: why"; exits 1 if any check failed.
 */
#include <stdlib.h>
#include <string.h>

#include "../../src/ansi.h"
#include "../../src/api.h"
#include "../../src/preview-line.h"
#include "../../src/shown.h"

#include "check.h"

/* The line of an activity whose delivered state is json, at now_ms. */
static const char *
line(const char *activity, const char *json, int flags, size_t width,
    uint64_t now_ms)
{
	static struct buf	b;
	struct shown_item	it;

	memset(&it, 0, sizeof it);
	it.activity = (char *)activity;
	it.state = (char *)json;
	it.started_ms = 1000;
	buf_free(&b);
	buf_init(&b, 65536);
	preview_line(&b, &it, now_ms, flags, width);
	return buf_str(&b);
}

/* The columns a line takes: characters, less its SGR sequences. */
static long
columns(const char *s)
{
	long	n = 0;

	while (*s != '\0') {
		if (*s == '\033') {
			while (*s != '\0' && *s != 'm')
				s++;
			if (*s != '\0')
				s++;
			continue;
		}
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
		s++;
	}
	return n;
}

static void
test_bars(void)
{
	const char	*seg = "{\"title\":\"Build\",\"subtitle\":\"as-tail\","
	    "\"type\":\"segmented_progress\",\"number_of_steps\":7,"
	    "\"current_step\":3,\"color\":\"blue\",\"step_color\":\"green\"}";

	check_str("a segmented bar, in ASCII, names its colour",
	    line("b", seg, 0, 0, 0), "b: Build - as-tail [###----] 3/7 (blue)");
	check_str("a segmented bar in colour: a step in the step colour",
	    line("b", "{\"title\":\"B\",\"type\":\"segmented_progress\","
	    "\"number_of_steps\":2,\"current_step\":1,\"color\":\"blue\","
	    "\"step_color\":\"green\"}", PREVIEW_COLOR | PREVIEW_UTF8, 0, 0),
	    "\033[38;5;245mb\033[0m\033[38;5;245m: \033[0m"
	    "\033[38;5;33mB\033[0m "
	    "\033[38;5;34m\xe2\x96\xb0\033[0m"
	    "\033[38;5;245m\xe2\x96\xb1\033[0m 1/2");
	check_str("step_colors colour each step",
	    line("b", "{\"title\":\"B\",\"type\":\"segmented_progress\","
	    "\"number_of_steps\":2,\"current_step\":2,\"step_colors\":"
	    "[\"red\",\"lime\"]}", PREVIEW_COLOR, 0, 0),
	    "\033[38;5;245mb\033[0m\033[38;5;245m: \033[0mB "
	    "[\033[38;5;196m#\033[0m\033[38;5;154m#\033[0m] 2/2");
	check_str("a percentage bar of 20 cells",
	    line("d", "{\"title\":\"Download\",\"type\":\"progress\","
	    "\"percentage\":40}", 0, 0, 0),
	    "d: Download [########------------] 40%");
	check_str("a value out of an upper limit",
	    line("d", "{\"title\":\"Copy\",\"type\":\"progress\","
	    "\"value\":30,\"upper_limit\":120}", 0, 0, 0),
	    "d: Copy [#####---------------] 30/120");
	check_str("metrics as label value pairs",
	    line("m", "{\"title\":\"Load\",\"type\":\"metrics\",\"metrics\":"
	    "[{\"label\":\"cpu\",\"value\":0.5},{\"label\":\"mem\","
	    "\"value\":\"3G\"}]}", 0, 0, 0),
	    "m: Load - cpu 0.5, mem 3G");
	check_str("an alert shows its message",
	    line("a", "{\"title\":\"Disk\",\"type\":\"alert\",\"message\":"
	    "\"full\",\"color\":\"red\"}", 0, 0, 0), "a: Disk - full (red)");
}

static void
test_timers(void)
{
	const char	*up = "{\"title\":\"Deploy\",\"type\":\"timer\","
	    "\"counts_down\":false}";
	const char	*down = "{\"title\":\"Tea\",\"type\":\"timer\","
	    "\"duration_seconds\":300}";

	check_str("a timer counts up from its delivered start",
	    line("t", up, PREVIEW_CLOCK, 0, 1000 + 65000), "t: Deploy 1:05");
	check_str("a countdown shows the time left",
	    line("t", down, PREVIEW_CLOCK, 0, 1000 + 60000),
	    "t: Tea 4:00 left");
	check_str("a countdown stops at zero",
	    line("t", down, PREVIEW_CLOCK, 0, 1000 + 400000),
	    "t: Tea 0:00 left");
	check_str("without the clock, only the window",
	    line("t", down, 0, 0, 1000 + 60000), "t: Tea 5:00 timer");
	check_str("hours", line("t", up, PREVIEW_CLOCK, 0,
	    1000 + 3723000), "t: Deploy 1:02:03");
}

static void
test_text(void)
{
	check_str("control characters and escapes cannot reach the terminal",
	    line("b", "{\"title\":\"a\\u001b[2J\\tb\\u009bc\"}", 0, 0, 0),
	    "b: a [2J b?c");
	check_str("the name of an activity without a title",
	    line("b", "{\"subtitle\":\"x\"}", 0, 0, 0), "b: b - x");
	check_str("a line is cut at the width",
	    line("b", "{\"title\":\"0123456789\"}", 0, 8, 0), "b: 01234");
	check_str("a wide character is never split",
	    line("b", "{\"title\":\"\xe6\xbc\xa2\xe5\xad\x97\"}", 0, 6, 0),
	    "b: \xe6\xbc\xa2");
	check_int("a coloured line keeps to the width",
	    columns(line("b", "{\"title\":\"Build\",\"type\":"
	    "\"segmented_progress\",\"number_of_steps\":20,\"current_step\":"
	    "5,\"color\":\"blue\"}", PREVIEW_COLOR | PREVIEW_UTF8, 17, 0)),
	    17);
	check_str("a cut line still ends its colour",
	    line("b", "{\"title\":\"Build\",\"color\":\"blue\"}",
	    PREVIEW_COLOR, 6, 0),
	    "\033[38;5;245mb\033[0m\033[38;5;245m: \033[0m"
	    "\033[38;5;33mBui\033[0m");
}

static void
test_marks(void)
{
	struct shown_item	it;
	struct buf		b;

	memset(&it, 0, sizeof it);
	it.activity = "b";
	it.queued = 2;
	buf_init(&b, 4096);
	preview_line(&b, &it, 0, PREVIEW_QUEUE, 0);
	check_str("before any delivery: nothing yet, and what waits",
	    buf_str(&b), "b: nothing delivered yet - 2 queued");
	it.state = "{\"title\":\"Build\"}";
	it.ended = 1;
	it.queued = 0;
	it.failed = 1;
	buf_reset(&b);
	preview_line(&b, &it, 0, PREVIEW_QUEUE, 0);
	check_str("ended, and a request given up on",
	    buf_str(&b), "b: Build - ended - 1 not delivered");
	it.activity = NULL;
	it.state = "{\"title\":\"Alert\",\"message\":\"disk full\"}";
	it.ended = it.failed = 0;
	it.queued = 3;
	buf_reset(&b);
	preview_line(&b, &it, 0, 0, 0);
	check_str("the last push; queued only said when asked",
	    buf_str(&b), "push: Alert - disk full");
	buf_free(&b);
}

/* The state shown carries the type and window of the run's start. */
static void
test_shown(void)
{
	struct shown		*sh = shown_new();
	struct shown_item	*items;
	struct content		 c;
	struct request		*r;
	struct instance		*in = instance_new();
	size_t			 n;

	content_init(&c);
	c.title = strdup("Tea");
	c.duration_s = 300;
	r = api_live_activity(REQUEST_START, 1, "t", TYPE_TIMER, &c, -1, NULL,
	    in, NULL);
	shown_queued(sh, r);
	n = shown_copy(sh, &items);
	check_int("a queued request makes its item", (long)n, 1);
	check_int("with nothing delivered", items[0].state == NULL, 1);
	shown_items_free(items, n);
	shown_delivered(sh, r, 5000);
	request_free(r);
	free(c.title);
	c.title = strdup("Tea, steeping");
	r = api_live_activity(REQUEST_UPDATE, 0, "t", TYPE_TIMER, &c, -1, NULL,
	    in, NULL);
	shown_delivered(sh, r, 9000);
	request_free(r);
	n = shown_copy(sh, &items);
	check_str("an update keeps the start's type and window",
	    items[0].state, "{\"title\":\"Tea, steeping\",\"type\":\"timer\","
	    "\"duration_seconds\":300}");
	check_int("the run started when its start was delivered",
	    (long)items[0].started_ms, 5000);
	shown_items_free(items, n);
	r = api_live_activity(REQUEST_END, 0, "t", TYPE_TIMER, &c, -1, NULL,
	    in, NULL);
	shown_delivered(sh, r, 12000);
	shown_failed(sh, r);
	request_free(r);
	r = api_badge(3);
	shown_queued(sh, r);
	request_free(r);
	n = shown_copy(sh, &items);
	check_int("an end ends it", items[0].ended, 1);
	check_int("failures are counted", (long)items[0].failed, 1);
	check_int("the badge is not shown", (long)n, 1);
	shown_items_free(items, n);
	content_free(&c);
	instance_unref(in);
	shown_free(sh);
}

static void
test_cut(void)
{
	check_int("a lone ESC is cut", ansi_cut("ab\033", 3), 1);
	check_int("a CSI without its final byte is cut",
	    ansi_cut("x\033[38;5", 7), 1);
	check_int("a whole CSI is not", ansi_cut("\033[31mred", 8), 0);
	check_int("an OSC without BEL is cut", ansi_cut("\033]8;;http", 9), 1);
	check_int("a whole OSC is not", ansi_cut("\033]0;t\a", 6), 0);
	check_int("text without ESC is not", ansi_cut("plain", 5), 0);
}

int
main(void)
{
	test_bars();
	test_timers();
	test_text();
	test_marks();
	test_shown();
	test_cut();
	return check_status();
}
