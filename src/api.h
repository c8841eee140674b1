/*
 * api.h: the ActivitySmith HTTP API as as-tail speaks it.  Everything that
 * knows a path or a JSON key lives behind this header: requests are built
 * here (with json-c, in the wire format of the API reference) and carried to
 * the sender as struct request.
 */
#ifndef AS_TAIL_API_H
#define AS_TAIL_API_H

#include <json-c/json.h>
#include <stdatomic.h>
#include <stdint.h>

#include "model.h"

enum request_kind {
	REQUEST_PUSH,
	REQUEST_BADGE,
	REQUEST_METRIC,
	REQUEST_START,		/* POST /live-activity/start */
	REQUEST_UPDATE,		/* POST /live-activity/update */
	REQUEST_END,		/* POST /live-activity/end */
	REQUEST_STREAM_PUT,	/* PUT /live-activity/stream/KEY */
	REQUEST_STREAM_DELETE	/* DELETE /live-activity/stream/KEY */
};

/*
 * One run of a Live Activity, from its start to its end.  For the classic
 * lifecycle its id is only known once the start has been answered; updates
 * and ends hold a reference and get the id filled in when they are sent.
 *
 * Who owns the id, in one place: it is written under the outbox's lock
 * only, by the sender from a start's reply (outbox_set_id; a dry run's
 * sender makes one up); the one exception is --state, which
 * restores it (activity.c) before the sender thread exists.  Everyone else
 * reads it under that lock too (outbox_get_id, request_body_json's caller).
 * Only the sender writes failed, under the same lock.
 * The reader takes references while the sender drops them (under the
 * outbox's lock, which the reader does not hold): refs is atomic.
 */
struct instance {
	atomic_int	 refs;
	char		*id;		/* NULL until the start is answered */
	int		 failed;	/* the start was given up on */
};

struct request {
	enum request_kind	 kind;
	char			*path;
	struct json_object	*body;		/* owned; never NULL */
	struct instance		*instance;	/* Live Activity: its run */
	int			 first;		/* starts the run */
	char			*activity;	/* activity name, or NULL */
	unsigned		 tries;		/* sender: attempts so far */
	uint64_t		 first_try_ms;	/* sender: when it first went */
	uint64_t		 queued_ms;	/* outbox: when the state it
						   carries began to wait */
};

/*
 * The most bytes of JSON that a Live Activity's content_state, and a push
 * notification's whole body, may take: Apple's limit for either is about
 * 4 KB.  Longer titles, subtitles and messages are cut, the longest first,
 * on a UTF-8 character boundary, ending in "\u2026".
 */
#define API_BODY_MAX 4096

/* The API's longest stream key. */
#define STREAM_KEY_MAX 255

/* A Live Activity's content_state, as far as as-tail sets it. */
#define CONTENT_MAX_METRICS 8
struct content {
	char		*title;
	char		*subtitle;
	char		*message;
	long		 current;	/* -1 if unset */
	long		 total;		/* 0 if unset */
	double		 percent;	/* < 0 if unset */
	double		 value, upper;	/* upper <= 0 if unset */
	const char	*color;
	const char	*step_color;
	long		 duration_s;	/* timer; 0: counts up */
	int		 counts_down;	/* timer: -1 unset, 0 or 1 */
	int		 running;	/* timer: -1 unset, 0 paused, 1 */
	long		 auto_dismiss_s; /* ends of streams; -1 unset */
	char		*step_colors;	/* "green,red": completed steps */
	char		*icon;		/* an SF Symbol name */
	const char	*icon_color;
	char		*badge;		/* the badge's title */
	const char	*badge_color;
	/* action and secondary_action (see api_button); shared, never changed */
	struct json_object *button[2];
	struct {
		char	*label;
		char	*value;
	}		 metrics[CONTENT_MAX_METRICS];
	int		 nmetrics;
};

/* Return a new instance with one reference. */
struct instance	*instance_new(void);
struct instance	*instance_ref(struct instance *);
void		 instance_unref(struct instance *);

void		 content_init(struct content *);
/* Copy src into dst (which must be initialized); dst's old strings are freed. */
void		 content_copy(struct content *, const struct content *);
void		 content_free(struct content *);
/* The content as a new JSON object (for --state), and back. */
struct json_object *content_save(const struct content *);
/*
 * Why a saved content (from --state) cannot be restored: a borrowed
 * message, or NULL when content_restore may take it.
 */
const char	*content_check(struct json_object *);
void		 content_restore(struct content *, struct json_object *);
int		 content_equal(const struct content *, const struct content *);

/*
 * The channels of the pushes and starts that name none (the config file's
 * "channels"), NULL-terminated, or NULL for none.  Borrowed: they must
 * outlive every request built; set before the sender starts.
 */
void		 api_default_channels(char **);

/* A push notification's fields: NULL ones, and a badge < 0, are not sent. */
struct push {
	const char		 *title;
	const char		 *message;
	const char		 *subtitle;
	const char		 *url;		/* "redirection" */
	const char		 *sound;
	const char		 *media;
	long			  badge;
	const char		 *payload;	/* a JSON object's text */
	struct json_object	**actions;	/* taken (see api_button) */
	size_t			  nactions;
	char			**channels;	/* NULL-terminated */
};

/* Return new requests; free with request_free. */
struct request	*api_push_new(const struct push *);
/* A push of title, message, subtitle, url and channels only. */
struct request	*api_push(const char *, const char *, const char *,
		    const char *, char **);
struct request	*api_badge(long);
/*
 * A button as the API takes it (a push's action, a Live Activity's
 * action): open_url, or a webhook with its method (NULL: the API's POST)
 * and body (a JSON object's text, or NULL).  Returns a new object, or NULL
 * if body is not a JSON object.
 */
struct json_object *api_button(const char *, int, const char *,
		    const char *, const char *);
struct request	*api_metric(const char *, const char *);
/*
 * A Live Activity request of the given kind: content is sent as it is, with
 * "type" where the API wants it; first says the request starts the activity
 * (timers send their window only then); auto_dismiss_min (>= 0) goes on
 * ends; channels (NULL-terminated) on starts.  For the classic lifecycle the
 * request holds a reference to instance; for streams key names the stream.
 */
struct request	*api_live_activity(enum request_kind, int, const char *,
		    enum activity_type, const struct content *, long, char **,
		    struct instance *, const char *);
/*
 * Say the type in a Live Activity update or end, for a run that changes
 * how it is drawn (a segmented bar becoming a percentage, or back).
 */
void		 api_say_type(struct request *, enum activity_type);
/*
 * Fold a later state of a run (an update, or a stream PUT) into its start
 * that has not gone yet: the start carries that state from then on, with
 * what only a start says (its type, a timer's window) kept.  Returns 1 if
 * folded (the caller frees update), 0 if the two do not fold.
 */
int		 api_fold_into_start(struct request *, const struct request *);
void		 request_free(struct request *);

/* What as-tail reads from a reply body; every field may be unset. */
struct api_reply {
	char	*activity_id;	/* start, stream PUT */
	char	*previous_activity_id;	/* stream PUT "rotated" */
	char	*operation;	/* stream: started, updated, noop, rotated,
				   paused, ended */
	char	*error;		/* error bodies */
	char	*message;
	int	 limit;		/* a 429 LiveActivityLimitError */
	long	 limit_max;
	long	 limit_active;
};

/*
 * A reply body for people: a JSON object as one "key: value" line per
 * field (values other than strings as JSON), anything else as it is, with
 * a newline at the end unless empty.  Returns a new string; free with free().
 */
char		*api_reply_text(const char *);
/* Parse a reply body (any text, JSON or not) into reply. */
void		 api_reply_parse(const char *, struct api_reply *);
void		 api_reply_free(struct api_reply *);
/* Borrowed: "POST", "PUT" or "DELETE". */
const char	*request_method(const struct request *);
/* Whether the request ends a Live Activity (classic end or stream DELETE). */
int		 request_is_end(const struct request *);
/*
 * Return the body as JSON text (a new string; free with free()), with the
 * classic activity_id filled in from the instance when it is known.
 */
char		*request_body_json(const struct request *);

#endif /* AS_TAIL_API_H */
