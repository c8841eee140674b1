/*
 * budget-host.c: the host budget's file, its directory and its lock.
 *
 * The directory is private to the user (0700, owned by them, not a
 * symlink): in /tmp anyone could otherwise make it first.  The file is read
 * and written whole with pread/pwrite under flock(LOCK_EX); a file of the
 * wrong size or layout (another version of as-tail, a reboot that reset the
 * monotonic clock) is started afresh, which costs at most one burst.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "budget-host.h"
#include "xmalloc.h"

struct budget_host {
	int			 fd;
	char			*path;
	unsigned		 per_minute;
	unsigned		 slot_max;
	struct budget_table	 table;
};

/* The directory: made if missing, refused unless private to us. */
static char *
host_dir(char **cause)
{
	const char	*run = getenv("XDG_RUNTIME_DIR");
	struct stat	 st;
	char		*dir;

	if (run != NULL && *run == '/')
		dir = xasprintf("%s/as-tail", run);
	else
		dir = xasprintf("/tmp/as-tail-%lu", (unsigned long)getuid());
	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		*cause = xasprintf("%s: %s", dir, strerror(errno));
		free(dir);
		return NULL;
	}
	if (lstat(dir, &st) == -1 || !S_ISDIR(st.st_mode) ||
	    st.st_uid != getuid() || (st.st_mode & 077) != 0) {
		*cause = xasprintf("%s: not a directory private to this user",
		    dir);
		free(dir);
		return NULL;
	}
	return dir;
}

struct budget_host *
budget_host_open(const char *key_hash, unsigned per_minute,
    unsigned slot_max, uint64_t now, char **cause)
{
	struct budget_host	*h;
	struct stat		 st;
	char			*dir;
	int			 fd;

	if ((dir = host_dir(cause)) == NULL)
		return NULL;
	h = xcalloc(1, sizeof *h);
	h->fd = -1;
	h->path = xasprintf("%s/budget-%.32s", dir, key_hash);
	free(dir);
	fd = open(h->path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd == -1 || fstat(fd, &st) == -1 || st.st_uid != getuid() ||
	    (st.st_mode & 077) != 0) {
		*cause = xasprintf("%s: %s", h->path, fd == -1 ?
		    strerror(errno) : "not a file private to this user");
		if (fd != -1)
			close(fd);
		budget_host_close(h);
		return NULL;
	}
	h->fd = fd;
	h->per_minute = per_minute;
	h->slot_max = slot_max;
	if (budget_host_lock(h, now, cause) == NULL ||
	    budget_host_unlock(h, cause) == -1) {
		budget_host_close(h);
		return NULL;
	}
	return h;
}

void
budget_host_close(struct budget_host *h)
{
	if (h == NULL)
		return;
	if (h->fd != -1)
		close(h->fd);
	free(h->path);
	free(h);
}

struct budget_table *
budget_host_lock(struct budget_host *h, uint64_t now, char **cause)
{
	ssize_t	n;

	if (flock(h->fd, LOCK_EX) == -1) {
		*cause = xasprintf("%s: lock: %s", h->path, strerror(errno));
		return NULL;
	}
	n = pread(h->fd, &h->table, sizeof h->table, 0);
	if (n == -1) {
		*cause = xasprintf("%s: %s", h->path, strerror(errno));
		flock(h->fd, LOCK_UN);
		return NULL;
	}
	if ((size_t)n != sizeof h->table || !budget_table_valid(&h->table, now))
		budget_table_init(&h->table, h->per_minute, h->slot_max, now);
	return &h->table;
}

int
budget_host_unlock(struct budget_host *h, char **cause)
{
	ssize_t	n;
	int	rc = 0;

	n = pwrite(h->fd, &h->table, sizeof h->table, 0);
	if (n != (ssize_t)sizeof h->table) {
		*cause = xasprintf("%s: %s", h->path, n == -1 ?
		    strerror(errno) : "short write");
		rc = -1;
	}
	flock(h->fd, LOCK_UN);
	return rc;
}

const char *
budget_host_path(const struct budget_host *h)
{
	return h->path;
}

int
budget_host_alive(int32_t pid)
{
	return kill((pid_t)pid, 0) == 0 || errno == EPERM;
}
