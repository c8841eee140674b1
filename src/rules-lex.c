/*
 * rules-lex.c: the lexer of the rules language.
 *
 * Words end at white space or ';'.  A word whose first '=' is not at its start
 * is a key=value pair; the value runs to the next blank or ';' unless it is
 * quoted.  "..." strings take \" and \\ escapes, '...' strings none.
 * A token that starts with '/' is a regex running to the next unescaped '/';
 * "\/" in it stands for '/', every other escape is kept for PCRE2.  '#' at the
 * start of a token comments out the rest of the line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "rules-lex.h"
#include "xmalloc.h"

struct lexer {
	const char	*p, *end;
	unsigned	 line, col;
	char		*cause;
	unsigned	 err_line, err_col;	/* where the cause is */
};

static int
lex_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static void
lex_advance(struct lexer *lx)
{
	if (*lx->p == '\n') {
		lx->line++;
		lx->col = 1;
	} else
		lx->col++;
	lx->p++;
}

static struct token *
lex_new(struct tokens *tv, enum token_kind kind, unsigned line, unsigned col)
{
	struct token	*t;

	tv->v = xreallocarray(tv->v, tv->n + 1, sizeof *tv->v);
	t = &tv->v[tv->n++];
	memset(t, 0, sizeof *t);
	t->kind = kind;
	t->line = line;
	t->col = col;
	return t;
}

/* Read a quoted string at lx->p into a new string; NULL on error. */
static char *
lex_quoted(struct lexer *lx)
{
	struct buf	b;
	char		q = *lx->p, c;

	lx->err_line = lx->line;
	lx->err_col = lx->col;
	buf_init(&b, (size_t)-1);
	buf_add(&b, "", 0);
	lex_advance(lx);
	while (lx->p < lx->end && *lx->p != q && *lx->p != '\n') {
		c = *lx->p;
		if (q == '"' && c == '\\' && lx->p + 1 < lx->end) {
			lex_advance(lx);
			c = *lx->p;
			if (c != '"' && c != '\\')
				buf_add(&b, "\\", 1);
		}
		buf_add(&b, &c, 1);
		lex_advance(lx);
	}
	if (lx->p >= lx->end || *lx->p != q) {
		lx->cause = xasprintf("unterminated %s string",
		    q == '"' ? "\"double-quoted\"" : "'single-quoted'");
		buf_free(&b);
		return NULL;
	}
	lex_advance(lx);
	return b.data;
}

/* Read a bare word up to white space or ';'. */
static char *
lex_bare(struct lexer *lx, int stop_at_equals)
{
	const char	*start = lx->p;

	while (lx->p < lx->end && !lex_blank(*lx->p) && *lx->p != '\n' &&
	    *lx->p != ';' && !(stop_at_equals && *lx->p == '='))
		lex_advance(lx);
	return xstrndup(start, (size_t)(lx->p - start));
}

static int
lex_regex(struct lexer *lx, struct token *t)
{
	struct buf	b;
	size_t		cap = 0, n = 0;

	lx->err_line = lx->line;
	lx->err_col = lx->col;
	buf_init(&b, (size_t)-1);
	buf_add(&b, "", 0);
	lex_advance(lx);
	while (lx->p < lx->end && *lx->p != '/' && *lx->p != '\n') {
		if (n + 2 >= cap) {
			cap = cap ? cap * 2 : 64;
			t->map = xreallocarray(t->map, cap, sizeof *t->map);
		}
		if (*lx->p == '\\' && lx->p + 1 < lx->end && lx->p[1] == '/')
			lex_advance(lx);
		else if (*lx->p == '\\' && lx->p + 1 < lx->end &&
		    lx->p[1] != '\n') {
			t->map[n++] = lx->col;
			buf_add(&b, lx->p, 1);
			lex_advance(lx);
		}
		t->map[n++] = lx->col;
		buf_add(&b, lx->p, 1);
		lex_advance(lx);
	}
	if (lx->p >= lx->end || *lx->p != '/') {
		lx->cause = xstrdup("unterminated regex: missing closing '/'");
		buf_free(&b);
		return -1;
	}
	if (n + 1 >= cap)
		t->map = xreallocarray(t->map, n + 1, sizeof *t->map);
	t->map[n] = lx->col;
	t->text = b.data;
	lex_advance(lx);
	t->flags = lex_bare(lx, 0);
	return 0;
}

static int
lex_token(struct lexer *lx, struct tokens *tv)
{
	struct token	*t;
	unsigned	 line = lx->line, col = lx->col;

	if (*lx->p == ';') {
		lex_new(tv, TOK_SEMI, line, col)->text = xstrdup(";");
		lex_advance(lx);
		return 0;
	}
	if (*lx->p == '/')
		return lex_regex(lx, lex_new(tv, TOK_REGEX, line, col));
	if (*lx->p == '"' || *lx->p == '\'') {
		t = lex_new(tv, TOK_STRING, line, col);
		return (t->text = lex_quoted(lx)) == NULL ? -1 : 0;
	}
	t = lex_new(tv, TOK_WORD, line, col);
	t->text = lex_bare(lx, 1);
	if (t->text[0] == '\0') {
		/* "=value": no key, so a plain word after all. */
		free(t->text);
		t->text = lex_bare(lx, 0);
		return 0;
	}
	if (lx->p >= lx->end || *lx->p != '=')
		return 0;
	t->kind = TOK_PAIR;
	lex_advance(lx);
	t->value_col = lx->col;
	if (lx->p < lx->end && (*lx->p == '"' || *lx->p == '\'')) {
		t->value_col++;		/* columns in the value: after the quote */
		return (t->value = lex_quoted(lx)) == NULL ? -1 : 0;
	}
	t->value = lex_bare(lx, 0);
	return 0;
}

static void
token_clear(struct token *t)
{
	free(t->text);
	free(t->value);
	free(t->flags);
	free(t->map);
}

/* Record the error, drop the broken token, skip the rest of the line. */
static void
lex_error(struct lexer *lx, struct tokens *tv)
{
	struct lex_error	*e;

	tv->errors = xreallocarray(tv->errors, tv->nerrors + 1,
	    sizeof *tv->errors);
	e = &tv->errors[tv->nerrors++];
	e->line = lx->err_line;
	e->col = lx->err_col;
	e->cause = lx->cause;
	lx->cause = NULL;
	token_clear(&tv->v[--tv->n]);
	while (lx->p < lx->end && *lx->p != '\n')
		lex_advance(lx);
}

void
tokens_lex(const char *text, size_t len, struct tokens *tv)
{
	struct lexer	lx = { text, text + len, 1, 1, NULL, 0, 0 };

	memset(tv, 0, sizeof *tv);
	while (lx.p < lx.end) {
		if (lex_blank(*lx.p) || *lx.p == '\n') {
			lex_advance(&lx);
			continue;
		}
		if (*lx.p == '#') {
			while (lx.p < lx.end && *lx.p != '\n')
				lex_advance(&lx);
			continue;
		}
		if (lex_token(&lx, tv) != 0)
			lex_error(&lx, tv);
	}
}

void
tokens_free(struct tokens *tv)
{
	size_t	i;

	for (i = 0; i < tv->n; i++)
		token_clear(&tv->v[i]);
	for (i = 0; i < tv->nerrors; i++)
		free(tv->errors[i].cause);
	free(tv->v);
	free(tv->errors);
	memset(tv, 0, sizeof *tv);
}
