/*
 * model.h: the things of the ActivitySmith API that the rules language names
 * too: the types of Live Activity and the colours, with their names as the
 * API spells them, which types take which fields, and the form of urls,
 * channels, SF Symbol names, colour lists and JSON objects.  The request
 * builder (api.c) and the rules language (rules.c) both depend on this
 * model; neither depends on the other.  The rules check a value with it
 * when they are loaded, if the value is plain text, and action.c when a
 * template expands, so that nothing the API would refuse is sent.
 */
#ifndef AS_TAIL_MODEL_H
#define AS_TAIL_MODEL_H

enum activity_type {
	TYPE_SEGMENTED_PROGRESS,
	TYPE_PROGRESS,
	TYPE_TIMER,
	TYPE_ALERT,
	TYPE_METRICS,
	TYPE_STATS
};
/* How many types there are. */
#define MODEL_NTYPES	(TYPE_STATS + 1)

/* The type names, indexed by enum activity_type; NULL-terminated. */
extern const char *const model_type_names[];
/* The colour names the API knows; NULL-terminated. */
extern const char *const model_colors[];

/* Borrowed: the name of a type as the API spells it. */
const char	*model_type_name(enum activity_type);
/* Borrowed: the API's spelling of colour s, or NULL if s is not one. */
const char	*model_color(const char *);
/* Whether the API takes s as a push's url: https:// or shortcuts://. */
int		 model_url_ok(const char *);
/* Whether s is a list of channel slugs as the API takes it: "ops,dev-1". */
int		 model_channels_ok(const char *);
/* Whether s is an https:// url (a push's media, a webhook). */
int		 model_https_ok(const char *);
/* Whether s can be an SF Symbol name: letters, digits and dots. */
int		 model_symbol_ok(const char *);
/* Whether s is a list of one or more colours, "green,green,red". */
int		 model_colors_ok(const char *);
/* Whether s is the text of a JSON object (a payload, a webhook's body). */
int		 model_json_object_ok(const char *);
/* Whether a Live Activity of this type shows a badge and a second button. */
int		 model_type_has_badge(enum activity_type);
/*
 * Why the field named key cannot go on a Live Activity of this type (a
 * borrowed message: "needs a timer activity"), or NULL if it can.
 */
const char	*model_type_field_problem(const char *, enum activity_type);
/*
 * Split a list of channel slugs ("ops,dev" or "ops, dev") into a new
 * NULL-terminated vector, or NULL if it names none; free with
 * model_channels_free.
 */
char		**model_channels_split(const char *);
void		  model_channels_free(char **);

#endif /* AS_TAIL_MODEL_H */
