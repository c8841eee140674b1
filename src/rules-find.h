/*
 * rules-find.h: where rules files are found.  -r NAME, an include of a bare
 * name and --list-rules all look in the same rules directories, in the same
 * order: the user's, the share directory beside the binary, the compiled-in
 * one, and rules/ beside the binary (a source tree).
 */
#ifndef AS_TAIL_RULES_FIND_H
#define AS_TAIL_RULES_FIND_H

/*
 * Find the rules file for -r NAME: NAME itself if it is a path (holds a
 * '/') or names a file, FIFO or character device here; else the pack
 * NAME.rules in the rules directories (so a directory called NAME does not
 * hide the pack); else NAME itself if it exists, so that loading it says
 * what is wrong.  Returns a new string, or NULL if nothing was found.
 */
char	*rules_find(const char *);
/*
 * Find the pack NAME (NAME.rules; NAME may end in .rules) in the rules
 * directories.  Returns a new path, or NULL.
 */
char	*rules_find_pack(const char *);
/* A pack found in the rules directories. */
struct rules_pack {
	char	*name;		/* "make" */
	char	*path;
};

/*
 * Every pack in the rules directories, in the order rules_list prints
 * them (a name found in an earlier directory hides it in later ones).
 * Returns a new vector of *n packs; free with rules_packs_free.
 */
struct rules_pack	*rules_packs(size_t *);
void			 rules_packs_free(struct rules_pack *, size_t);
/*
 * Print each rules file found in the rules directories, one per line: its
 * name and the description from its first comment line.  A name found in
 * an earlier directory hides the same name in later ones.
 */
void	 rules_list(void);

#endif /* AS_TAIL_RULES_FIND_H */
