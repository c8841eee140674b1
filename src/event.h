/*
 * event.h: multi-line events ("event /FIRST/ while /RE/ until /RE/ then
 * /RE/ ...").
 * The first line of an event opens it; every later line of the same input
 * is offered to it before the rules see it, and either goes on with it or
 * ends it; when it ends, its rule's actions fire once with the captures of
 * all its lines.  See as-tail.rules(5).
 */
#ifndef AS_TAIL_EVENT_H
#define AS_TAIL_EVENT_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stddef.h>
#include <stdint.h>

#include "rules.h"

/*
 * What an ended event gives its actions: text holds its first line
 * (line_len bytes), then the values of its captures; last and first are
 * ovectors of npairs pairs into text, for ${NAME} and ${first:NAME}.
 * Borrowed: valid during the call to the fire function only.
 */
struct event_capture {
	const char		*text;
	size_t			 text_len;
	size_t			 line_len;
	const PCRE2_SIZE	*last;
	const PCRE2_SIZE	*first;
	uint32_t		 npairs;
};

typedef void (*event_fire_fn)(void *, const struct rule *,
    const struct event_capture *);

struct template_env;

/* Point te's line, values and captures at the event's, for its actions. */
void		 event_capture_env(const struct event_capture *,
		    struct template_env *);

struct events;

/*
 * Give spec its names pattern, built from the first line's pattern (as
 * written, compiled as first with options) and the named groups of its
 * clauses, and each clause its map.  Returns 0, or -1 with *cause set to
 * a new message.
 */
int		 event_spec_build(struct event_spec *, const char *, uint32_t,
		    const pcre2_code *, char **);
void		 event_spec_free(struct event_spec *);

/*
 * Return the events of the event rules of rs (borrowed: rs must outlive
 * them); an event that ends calls fire(arg, rule, capture).  Free with
 * events_free, which fires nothing: call events_end_all first.
 */
struct events	*events_new(const struct ruleset *, event_fire_fn, void *);
void		 events_free(struct events *);
/* Lines come from input name from now on (borrowed; NULL: none). */
void		 events_source(struct events *, const char *);
/*
 * The first line of event rule r matched (md: its captures): end r's open
 * event, if any, and open a new one.
 */
void		 events_start(struct events *, const struct rule *,
		    const char *, size_t, pcre2_match_data *);
/* Whether any event is open (see matcher_follow); arg is a struct events. */
int		 events_open(void *);
/* A line of the current input, without its terminator (matcher_follow). */
void		 events_line(void *, const char *, size_t);
/* End the events that have had no line for their timeout; how many ended. */
size_t		 events_expire(struct events *, uint64_t);
/* End every open event (the input is over). */
void		 events_end_all(struct events *);

#endif /* AS_TAIL_EVENT_H */
