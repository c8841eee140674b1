/*
 * follow.h: following files by name, like tail -F: through rotation by
 * rename, truncation, deletion and re-creation, and files that do not exist
 * yet.  Each file keeps its own line reader, named by its path.
 */
#ifndef AS_TAIL_FOLLOW_H
#define AS_TAIL_FOLLOW_H

#include <stdint.h>
#include <sys/types.h>

#include "lines.h"
#include "match.h"

struct follow;

/* Where a followed file was left, for --state. */
struct follow_pos {
	const char	*path;
	dev_t		 dev;
	ino_t		 ino;
	uint64_t	 offset;	/* end of the last whole line read */
	uint64_t	 hash;		/* of the bytes just before offset */
};

/*
 * Return a new follower of paths (borrowed: they must outlive it).  Files
 * start at their end unless from_start; out is the pass-through descriptor
 * (-1 for none).  Free with follow_free.
 */
struct follow	*follow_new(char **, int, int, int, size_t, int);
void		 follow_free(struct follow *);
/*
 * Resume a file at a position saved by an earlier run, if it is the same
 * file (device, inode, and the hash of the bytes before the offset).
 * Returns 0 if resumed, -1 if the position does not fit (the file is then
 * read from its start, since it must be new).
 */
int		 follow_resume(struct follow *, const struct follow_pos *);
/* Open the files (after any resume); report those missing. */
void		 follow_start(struct follow *);
/*
 * Look at every file: open new ones, read what was written, rewind on
 * truncation, switch on rotation.  Returns 0, or -1 if writing to the
 * pass-through failed (errno says why).
 */
int		 follow_check(struct follow *, struct matcher *,
		    const struct lines_sink *);
/* Match the partial last lines, at the very end. */
void		 follow_flush(struct follow *, struct matcher *,
		    const struct lines_sink *);
/* The descriptor to poll (or -1), and the longest sleep between checks. */
int		 follow_fd(const struct follow *);
int		 follow_interval_ms(const struct follow *);
/* Fill pos for file i (0 <= i < count); returns the count. */
int		 follow_positions(struct follow *, struct follow_pos *, int);
/* Lines and bytes read, for --explain. */
void		 follow_totals(const struct follow *, uint64_t *, uint64_t *);

#endif /* AS_TAIL_FOLLOW_H */
