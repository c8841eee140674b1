/*
 * outbox.c: the hand-over point between the rules and delivery.
 *
 * In --dry-run no request leaves the machine: each one is written to the
 * trace as one JSON line and answered as the service would, so that a classic
 * start gets an activity id ("dry-run-1", ...) that its updates and end then
 * carry, exactly as they would on the wire.
 */
#include <stdlib.h>

#include "outbox.h"
#include "msg.h"
#include "xmalloc.h"

struct outbox {
	FILE		*trace;
	unsigned long	 count;
	unsigned long	 next_id;
};

struct outbox *
outbox_new(FILE *trace)
{
	struct outbox	*ob;

	ob = xcalloc(1, sizeof *ob);
	ob->trace = trace;
	return ob;
}

void
outbox_free(struct outbox *ob)
{
	free(ob);
}

static void
outbox_trace(struct outbox *ob, const struct request *r)
{
	struct json_object	*line, *path;
	char			*body;

	if (ob->trace == NULL)
		return;
	body = request_body_json(r);
	line = json_object_new_object();
	json_object_object_add(line, "method",
	    json_object_new_string(request_method(r)));
	path = json_object_new_string(r->path);
	json_object_object_add(line, "path", path);
	json_object_object_add(line, "body", json_tokener_parse(body));
	fprintf(ob->trace, "%s\n", json_object_to_json_string_ext(line,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	if (fflush(ob->trace) == EOF)
		msg_warn("trace");
	json_object_put(line);
	free(body);
}

void
outbox_add(struct outbox *ob, struct request *r)
{
	if (r->kind == REQUEST_START && r->instance != NULL &&
	    r->instance->id == NULL)
		r->instance->id = xasprintf("dry-run-%lu", ++ob->next_id);
	outbox_trace(ob, r);
	ob->count++;
	request_free(r);
}

unsigned long
outbox_count(const struct outbox *ob)
{
	return ob->count;
}
