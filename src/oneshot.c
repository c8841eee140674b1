/*
 * oneshot.c: --send.
 *
 * The action is parsed as the only rule of a ruleset, one that matches
 * every line (ruleset_load_actions), and fired once on an empty line, so it
 * takes every field and template a rule's action takes (${env:NAME},
 * ${host}).  Only the actions that stand alone can be sent once: push,
 * metric and badge; a Live Activity action finds no activity declared (a
 * Live Activity lives across many requests).  The
 * requests are taken from the outbox one by one and sent with
 * one try each, synchronously, like the vendor's command-line tool: no
 * sender thread, no retry, no rate limit.  Each reply is printed, as it
 * came with --json, else one "key: value" line per field.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "activity.h"
#include "api.h"
#include "clock.h"
#include "http.h"
#include "match.h"
#include "msg.h"
#include "oneshot.h"
#include "outbox.h"
#include "rules.h"
#include "show.h"
#include "vars.h"

/* Parse the action; report the errors and return NULL if it is not valid. */
static struct ruleset *
oneshot_rules(const char *action)
{
	struct ruleset	*rs = ruleset_new();
	size_t		 i;

	ruleset_load_actions(rs, "--send", action);
	if (rs->nerrors == 0)
		ruleset_finish(rs);
	if (rs->nerrors == 0)
		return rs;
	for (i = 0; i < rs->nerrors; i++)
		msg_warnx("%s", rs->errors[i]);
	msg_warnx("%zu error%s in --send; nothing was sent", rs->nerrors,
	    rs->nerrors == 1 ? "" : "s");
	ruleset_free(rs);
	return NULL;
}

/* Fire the action once, queueing its requests in ob. */
static void
oneshot_fire(const struct ruleset *rs, struct outbox *ob)
{
	struct action_env	 env;
	struct matcher		*m;

	memset(&env, 0, sizeof env);
	env.outbox = ob;
	env.activities = activities_new(rs, ob, API_DEFAULT);
	env.vars = vars_new();
	env.exit_status = -1;
	env.state = action_state_new(rs);
	m = matcher_new(rs, 1);
	matcher_line(m, "", 0, action_match, &env);
	matcher_free(m);
	activities_free(env.activities);
	action_state_free(env.state, rs);
	vars_free(env.vars);
	free(env.last_fail);
}

/* Send one request; print its reply; 0 on a 2xx, else 1. */
static int
oneshot_deliver(const struct oneshot *o, struct http *h, struct request *r)
{
	struct http_reply	 reply;
	struct api_reply	 ar;
	char			*body, *text;
	int			 rval;

	body = request_body_json(r);
	http_send(h, request_method(r), r->path, body, 0, &reply);
	free(body);
	if (reply.status == 0) {
		msg_warnx("%s %s: %s", request_method(r), r->path,
		    reply.error);
		http_reply_free(&reply);
		return 1;
	}
	rval = reply.status >= 200 && reply.status <= 299 ? 0 : 1;
	if (o->json)
		printf("%s\n", reply.body.data != NULL ? reply.body.data : "");
	else {
		text = api_reply_text(reply.body.data);
		printf("%s", text);
		free(text);
	}
	if (rval != 0) {
		api_reply_parse(reply.body.data, &ar);
		msg_warnx("%s %s: HTTP %ld%s%s", request_method(r), r->path,
		    reply.status, ar.message != NULL || ar.error != NULL ?
		    ": " : "", ar.message != NULL ? ar.message : ar.error !=
		    NULL ? ar.error : "");
		api_reply_free(&ar);
	}
	http_reply_free(&reply);
	return rval;
}

/* A dry run without --trace: the request in words on the standard error. */
static void
oneshot_show(const struct oneshot *o, const struct request *r)
{
	struct buf	line;

	if (o->trace != NULL)
		return;
	buf_init(&line, 8192);
	show_request(r, &line);
	fprintf(stderr, "%s\n", buf_str(&line));
	buf_free(&line);
}

int
oneshot_send(const struct oneshot *o)
{
	struct ruleset	*rs;
	struct outbox	*ob;
	struct http	*h;
	struct request	*r;
	atomic_int	 stop = 0;
	uint64_t	 wait;
	int		 rval = 0;

	if ((rs = oneshot_rules(o->action)) == NULL)
		return 2;
	ob = outbox_new(o->trace, 16);
	oneshot_fire(rs, ob);
	h = o->dry_run ? NULL : http_new(o->url, o->key, o->cacert, o->proxy,
	    o->timeout_s, &stop);
	while ((r = outbox_pick(ob, clock_now_ms(), &wait)) != NULL) {
		outbox_trace(ob, r);
		if (h == NULL)
			oneshot_show(o, r);
		else if (oneshot_deliver(o, h, r) != 0)
			rval = 1;
		outbox_sent(ob, r);
	}
	http_free(h);
	outbox_free(ob);
	ruleset_free(rs);
	return rval;
}
