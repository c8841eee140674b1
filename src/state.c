/*
 * state.c: the --state file.
 *
 *	{"as-tail-state":1,
 *	 "files":[{"path":"app.log","dev":2049,"ino":131,"offset":4096,
 *		   "hash":"9f0c..."}],
 *	 "activities":[{"name":"build","api":"classic","id":"act_1",
 *			"failed":false,"content":{...}}]}
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
#define STATE_MAX_FILES	64

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

void
state_load(struct state *st)
{
	struct json_object	*o, *v, *list;
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
	if (st->follow != NULL && json_object_object_get_ex(o, "files",
	    &list) && json_object_is_type(list, json_type_array))
		for (i = 0; i < json_object_array_length(list); i++)
			state_load_file(st,
			    json_object_array_get_idx(list, i));
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
	struct follow_pos	 pos[STATE_MAX_FILES];
	struct json_object	*list, *o;
	char			 hash[32];
	int			 i, n;

	list = json_object_new_array();
	if (st->follow == NULL)
		return list;
	n = follow_positions(st->follow, pos, STATE_MAX_FILES);
	for (i = 0; i < n && i < STATE_MAX_FILES; i++) {
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
	return list;
}

/* Write text to path atomically; 0 or -1 with errno set. */
static int
write_atomically(const char *path, const char *text)
{
	char	*tmp;
	int	 fd, e;
	size_t	 len = strlen(text);

	tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1) {
		free(tmp);
		return -1;
	}
	if (write(fd, text, len) != (ssize_t)len || fsync(fd) == -1 ||
	    close(fd) == -1 || rename(tmp, path) == -1) {
		e = errno;
		close(fd);
		unlink(tmp);
		free(tmp);
		errno = e;
		return -1;
	}
	free(tmp);
	return 0;
}

void
state_save(struct state *st)
{
	struct json_object	*o;
	const char		*text;

	o = json_object_new_object();
	json_object_object_add(o, "as-tail-state",
	    json_object_new_int(STATE_VERSION));
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
