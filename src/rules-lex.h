/*
 * rules-lex.h: a rules file cut into tokens.  A token that starts in column 1
 * begins a new statement; indented lines continue the previous one.
 */
#ifndef AS_TAIL_RULES_LEX_H
#define AS_TAIL_RULES_LEX_H

#include <stddef.h>

enum token_kind {
	TOK_WORD,		/* bare word */
	TOK_STRING,		/* "quoted" or 'quoted' */
	TOK_REGEX,		/* /pattern/flags */
	TOK_PAIR,		/* key=value */
	TOK_SEMI		/* ; */
};

struct token {
	enum token_kind	 kind;
	unsigned	 line, col;	/* 1-based; col counts bytes */
	char		*text;		/* word, string, pattern or key */
	char		*value;		/* PAIR: the value */
	unsigned	 value_col;	/* PAIR: where the value starts */
	char		*flags;		/* REGEX: letters after the slash */
	size_t		*map;		/* REGEX: pattern offset -> column */
};

struct lex_error {
	unsigned	 line, col;
	char		*cause;
};

struct tokens {
	struct token		*v;
	size_t			 n;
	struct lex_error	*errors;	/* text that could not be read */
	size_t			 nerrors;
};

/*
 * Cut text into tokens.  A line that cannot be read is recorded in errors
 * and skipped, so that one run finds every problem.  Free with tokens_free.
 */
void	tokens_lex(const char *, size_t, struct tokens *);
void	tokens_free(struct tokens *);

#endif /* AS_TAIL_RULES_LEX_H */
