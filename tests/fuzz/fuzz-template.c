/*
 * fuzz-template.c: templates parsed and expanded.  The input is the
 * template's text; it is expanded against a fixed line with captures and a
 * few variables, so that every kind of reference has something to read.
 */
#include <stdlib.h>
#include <string.h>

#include "../../src/template.h"
#include "../../src/vars.h"
#include "fuzz.h"

static pcre2_code	*re;
static pcre2_match_data	*md;
static struct vars	*vs;
static const char	 line[] = "host1: error 42 of 7";

static void
setup(void)
{
	PCRE2_SIZE	erroff;
	int		error;

	re = pcre2_compile((PCRE2_SPTR)"^(?<host>\\w+): (\\w+) (\\d+)",
	    PCRE2_ZERO_TERMINATED, 0, &error, &erroff, NULL);
	md = pcre2_match_data_create_from_pattern(re, NULL);
	pcre2_match(re, (PCRE2_SPTR)line, strlen(line), 0, 0, md, NULL);
	vs = vars_new();
	vars_set(vs, "err.host1", "disk full");
	vars_set(vs, "host1", "err.host1");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct template		*t;
	struct template_env	 env;
	struct buf		 b;
	char			*text;

	if (re == NULL)
		setup();
	text = malloc(len + 1);
	memcpy(text, data, len);
	text[len] = '\0';
	if ((t = template_parse(text, re, NULL, NULL)) != NULL) {
		memset(&env, 0, sizeof env);
		env.line = line;
		env.line_len = strlen(line);
		env.ovector = pcre2_get_ovector_pointer(md);
		env.npairs = pcre2_get_ovector_count(md);
		env.file = "app.log";
		env.exit_status = -1;
		env.vars = vs;
		buf_init(&b, 4096);
		template_expand(t, &env, &b);
		buf_free(&b);
		template_test(t, &env);
		template_free(t);
	}
	free(text);
	return 0;
}
