/*
 * pack.h: which rule pack to use when -r names none, from the wrapped
 * command's name.
 */
#ifndef AS_TAIL_PACK_H
#define AS_TAIL_PACK_H

/* The pack used when nothing names or suggests another. */
#define PACK_FALLBACK	"generic"

/*
 * The pack for the command argv (NULL-terminated), looking through sudo,
 * env, time and nice to the command they run, and through the package
 * runners (npx, npm exec, yarn, pnpm, bunx) to the tool they run.
 * Borrowed: a static string, or NULL if no pack is made for that command.
 * *tool is set to the word that decided (borrowed from argv), or to NULL.
 */
const char	*pack_for_command(char **, const char **);

#endif /* AS_TAIL_PACK_H */
