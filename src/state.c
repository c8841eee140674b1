/*
 * state.c: the --state file.
 *
 *	{"as-tail-state":1,"run":"20261203-141502-4242",
 *	 "files":[{"path":"app.log","dev":2049,"ino":131,"offset":4096,
 *		   "hash":"9f0c..."}],
 *	 "activities":[{"name":"build","api":"classic","id":"act_1",
 *			"failed":false,"began":1764770102,"content":{...}}]}
 *
 * The offset is the end of the last whole line matched, and the hash covers
 * the bytes before it, so a file replaced by another of the same inode is
 * not mistaken for the old one.  The file is rewritten (to a temporary file,
 * fsync'd, then renamed over the old one) whenever its text would change,
 * at most once a tick, and at exit.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "msg.h"
#include "state.h"
#include "xmalloc.h"

#define STATE_VERSION	1

struct state {
	const char		*path;
	struct follow		*follow;
	struct activities	*activities;
	char			*saved;		/* the text last written */
	int			 failed;	/* warned about a write */
};

struct state *
state_new(const char *path, struct follow *f, struct activities *as)
{
	struct state	*st;

	st = xcalloc(1, sizeof *st);
	st->path = path;
	st->follow = f;
	st->activities = as;
	return st;
}

void
state_free(struct state *st)
{
	if (st == NULL)
		return;
	free(st->saved);
	free(st);
}

static int64_t
get_int(struct json_object *o, const char *key)
{
	struct json_object	*v;

	return json_object_object_get_ex(o, key, &v) ?
	    json_object_get_int64(v) : -1;
}

/* Resume one saved file position. */
static void
state_load_file(struct state *st, struct json_object *o)
{
	struct follow_pos	 pos;
	struct json_object	*v;
	const char		*hash;

	if (!json_object_object_get_ex(o, "path", &v))
		return;
	memset(&pos, 0, sizeof pos);
	pos.path = json_object_get_string(v);
	pos.dev = (dev_t)get_int(o, "dev");
	pos.ino = (ino_t)get_int(o, "ino");
	pos.offset = (uint64_t)get_int(o, "offset");
	if (json_object_object_get_ex(o, "hash", &v) &&
	    (hash = json_object_get_string(v)) != NULL)
		pos.hash = strtoull(hash, NULL, 16);
	if (follow_resume(st->follow, &pos) == 0)
		msg_verbose(1, "%s: resuming at byte %" PRIu64, pos.path,
		    pos.offset);
	else
		msg_verbose(1, "%s: not the file of the saved state; reading "
		    "it from its start", pos.path);
}

/* Whether o has key as a string (or, optional, has no key at all). */
static int
has_string(struct json_object *o, const char *key, int optional)
{
	struct json_object	*v;

	if (!json_object_object_get_ex(o, key, &v))
		return optional;
	return json_object_is_type(v, json_type_string);
}

/* Whether o has key as a whole number of at least 0. */
static int
has_count(struct json_object *o, const char *key)
{
	struct json_object	*v;

	return json_object_object_get_ex(o, key, &v) &&
	    json_object_is_type(v, json_type_int) &&
	    json_object_get_int64(v) >= 0;
}

/* Why a saved file position is unusable, or NULL. */
static const char *
state_check_file(struct json_object *o)
{
	if (!json_object_is_type(o, json_type_object))
		return "a file is not an object";
	if (!has_string(o, "path", 0) || !has_string(o, "hash", 0))
		return "a file's path or hash is not a string";
	if (!has_count(o, "dev") || !has_count(o, "ino") ||
	    !has_count(o, "offset"))
		return "a file's dev, ino or offset is not a whole number";
	return NULL;
}

/* Why a saved activity is unusable, or NULL. */
static const char *
state_check_activity(struct json_object *o)
{
	struct json_object	*v;

	if (!json_object_is_type(o, json_type_object))
		return "an activity is not an object";
	if (!has_string(o, "name", 0) || !has_string(o, "api", 0) ||
	    !has_string(o, "id", 1) || !has_string(o, "stream_key", 1))
		return "an activity's name, api, id or stream key is not a "
		    "string";
	if (json_object_object_get_ex(o, "failed", &v) &&
	    !json_object_is_type(v, json_type_boolean))
		return "an activity's failed is not true or false";
	if (!json_object_object_get_ex(o, "content", &v))
		return "an activity has no content";
	return content_check(v);
}

/*
 * Why the list under key is unusable (not a list, or an element check
 * rejects), or NULL.  A missing list is an empty one.
 */
static const char *
state_check_list(struct json_object *o, const char *key,
    const char *(*check)(struct json_object *))
{
	struct json_object	*list;
	const char		*why;
	size_t			 i;

	if (!json_object_object_get_ex(o, key, &list))
		return NULL;
	if (!json_object_is_type(list, json_type_array))
		return "files or activities is not a list";
	for (i = 0; i < json_object_array_length(list); i++)
		if ((why = check(json_object_array_get_idx(list, i))) != NULL)
			return why;
	return NULL;
}

void
state_load(struct state *st)
{
	struct json_object	*o, *v, *list;
	const char		*why;
	size_t			 i;
	int			 n;

	if (access(st->path, F_OK) != 0)
		return;
	o = json_object_from_file(st->path);
	if (o == NULL || !json_object_is_type(o, json_type_object) ||
	    get_int(o, "as-tail-state") != STATE_VERSION) {
		msg_warnx("%s: not an as-tail state file (or a damaged one); "
		    "ignored", st->path);
		json_object_put(o);
		return;
	}
	if ((why = state_check_list(o, "files", state_check_file)) != NULL ||
	    (why = state_check_list(o, "activities", state_check_activity)) !=
	    NULL) {
		msg_warnx("%s: a damaged state file (%s); ignored", st->path,
		    why);
		json_object_put(o);
		return;
	}
	if (st->follow != NULL && json_object_object_get_ex(o, "files",
	    &list) && json_object_is_type(list, json_type_array))
		for (i = 0; i < json_object_array_length(list); i++)
			state_load_file(st,
			    json_object_array_get_idx(list, i));
	/* The run's name: a restarted watch keeps its stream keys. */
	if (json_object_object_get_ex(o, "run", &v) &&
	    json_object_is_type(v, json_type_string))
		activities_set_run_id(st->activities,
		    json_object_get_string(v));
	if (json_object_object_get_ex(o, "activities", &v) &&
	    json_object_is_type(v, json_type_array)) {
		n = activities_restore(st->activities, v);
		msg_verbose(1, "%s: %d open activit%s continued", st->path, n,
		    n == 1 ? "y" : "ies");
	}
	json_object_put(o);
}

static struct json_object *
state_files(struct state *st)
{
	struct follow_pos	*pos;
	struct json_object	*list, *o;
	char			 hash[32];
	int			 i, n;

	list = json_object_new_array();
	if (st->follow == NULL)
		return list;
	n = follow_positions(st->follow, NULL, 0);
	pos = xcalloc((size_t)n + 1, sizeof *pos);
	n = follow_positions(st->follow, pos, n);
	for (i = 0; i < n; i++) {
		if (pos[i].ino == 0)
			continue;
		o = json_object_new_object();
		json_object_object_add(o, "path",
		    json_object_new_string(pos[i].path));
		json_object_object_add(o, "dev",
		    json_object_new_int64((int64_t)pos[i].dev));
		json_object_object_add(o, "ino",
		    json_object_new_int64((int64_t)pos[i].ino));
		json_object_object_add(o, "offset",
		    json_object_new_int64((int64_t)pos[i].offset));
		snprintf(hash, sizeof hash, "%016" PRIx64, pos[i].hash);
		json_object_object_add(o, "hash", json_object_new_string(hash));
		json_object_array_add(list, o);
	}
	free(pos);
	return list;
}

/*
 * Create the temporary file for path: never through a symlink planted at its
 * name, never a file someone else made (a stale one of ours is replaced).
 * Returns the fd, or -1 with errno set.
 */
static int
open_temporary(const char *tmp)
{
	int	fd, flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;

	if ((fd = open(tmp, flags, 0600)) == -1 && errno == EEXIST &&
	    unlink(tmp) == 0)
		fd = open(tmp, flags, 0600);
	return fd;
}

/* Write text to path atomically; 0 or -1 with errno set. */
static int
write_atomically(const char *path, const char *text)
{
	char	*tmp;
	int	 fd, e, rc;
	size_t	 len = strlen(text);

	tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	if ((fd = open_temporary(tmp)) == -1) {
		free(tmp);
		return -1;
	}
	rc = write(fd, text, len) == (ssize_t)len && fsync(fd) == 0 ? 0 : -1;
	e = errno;
	if (close(fd) == -1 && rc == 0) {
		rc = -1;
		e = errno;
	}
	if (rc == 0 && rename(tmp, path) == -1) {
		rc = -1;
		e = errno;
	}
	if (rc != 0)
		unlink(tmp);
	free(tmp);
	errno = e;
	return rc;
}

void
state_save(struct state *st)
{
	struct json_object	*o;
	const char		*text;

	o = json_object_new_object();
	json_object_object_add(o, "as-tail-state",
	    json_object_new_int(STATE_VERSION));
	json_object_object_add(o, "run",
	    json_object_new_string(activities_run_id(st->activities)));
	json_object_object_add(o, "files", state_files(st));
	json_object_object_add(o, "activities",
	    activities_save(st->activities));
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	if (st->saved == NULL || strcmp(st->saved, text) != 0) {
		if (write_atomically(st->path, text) == 0) {
			free(st->saved);
			st->saved = xstrdup(text);
			st->failed = 0;
		} else if (!st->failed) {
			msg_warn("%s", st->path);
			st->failed = 1;
		}
	}
	json_object_put(o);
}
