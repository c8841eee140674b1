/*
 * main.c: options, wiring and exit status; no other logic.
 *
 * as-tail reads its input (stdin, or the files named), passes it through to
 * stdout, matches every line against the rules, and turns matches into
 * ActivitySmith requests: input -> lines -> match -> action -> activity ->
 * outbox.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "action.h"
#include "buf.h"
#include "activity.h"
#include "buf.h"
#include "budget.h"
#include "child.h"
#include "clock.h"
#include "config.h"
#include "detect.h"
#include "example.h"
#include "explain.h"
#include "follow.h"
#include "history.h"
#include "http.h"
#include "input.h"
#include "key.h"
#include "lines.h"
#include "match.h"
#include "model.h"
#include "msg.h"
#include "outbox.h"
#include "pack.h"
#include "oneshot.h"
#include "pidwait.h"
#include "preview.h"
#include "rules-find.h"
#include "rules.h"
#include "sender.h"
#include "state.h"
#include "vars.h"
#include "xmalloc.h"

#define MAX_LINE_DEFAULT	(64 * 1024)
#define MAX_LINE_LIMIT		(64 * 1024 * 1024)
#define API_URL_DEFAULT		"https://activitysmith.com/api"
/* The most bytes of -e rules, all together. */
#define INLINE_RULES_MAX	(1024 * 1024)
/* Pushes that may wait; more are folded into a summary. */
#define PUSH_QUEUE_MAX		16
/* The drain at exit without --drain-timeout; ends may take longer. */
#define DRAIN_DEFAULT_S		10

struct options {
	const char	**rules;
	size_t		  nrules;
	struct buf	  inline_rules;	/* -e, one a line */
	size_t		  ninline;
	int		  dry_run;
	int		  quiet;
	int		  check;
	int		  explain;
	const char	 *trace;
	size_t		  max_line;
	long		  match_limit;
	enum api_kind	  api;
	const char	 *api_url;
	const char	 *key_file;
	const char	 *cacert;
	const char	 *proxy;
	unsigned	  rate;
	const char	 *budget;	/* --budget, or NULL */
	long		  timeout_s;
	long		  retry_max_s;
	long		  drain_s;
	int		  strict;
	int		  follow;
	int		  from_start;
	int		  poll;
	pid_t		  pid;
	int		  pty;
	long		  notify_exit_s;	/* -1: no --notify-exit */
	const char	 *state;
	const char	 *config_path;	/* --config */
	struct config	 *config;
	const char	 *pack;		/* config "pack": instead of generic */
	const char	 *chosen;	/* the pack chosen without -r, or NULL */
	char		**channels;	/* config "channels", or NULL */
	const char	 *send;		/* --send ACTION */
	int		  json;		/* --json */
	int		  preview;	/* --preview */
};

enum {
	OPT_API = 256,
	OPT_API_KEY_FILE,
	OPT_API_URL,
	OPT_BUDGET,
	OPT_CACERT,
	OPT_CHECK,
	OPT_CONFIG,
	OPT_DRAIN_TIMEOUT,
	OPT_EXPLAIN,
	OPT_FROM_START,
	OPT_JSON,
	OPT_LIST_RULES,
	OPT_MATCH_LIMIT,
	OPT_MAX_LINE,
	OPT_NOTIFY_EXIT,
	OPT_PID,
	OPT_POLL,
	OPT_PREVIEW,
	OPT_PROXY,
	OPT_PTY,
	OPT_RATE,
	OPT_RETRY_MAX_TIME,
	OPT_SEND,
	OPT_STATE,
	OPT_STRICT,
	OPT_TIMEOUT,
	OPT_TRACE
};

static const struct option longopts[] = {
	{ "api",		required_argument,	NULL,	OPT_API },
	{ "api-key-file",	required_argument,	NULL,	OPT_API_KEY_FILE },
	{ "api-url",		required_argument,	NULL,	OPT_API_URL },
	{ "budget",		required_argument,	NULL,	OPT_BUDGET },
	{ "cacert",		required_argument,	NULL,	OPT_CACERT },
	{ "check",		no_argument,		NULL,	OPT_CHECK },
	{ "config",		required_argument,	NULL,	OPT_CONFIG },
	{ "drain-timeout",	required_argument,	NULL,	OPT_DRAIN_TIMEOUT },
	{ "dry-run",		no_argument,		NULL,	'n' },
	{ "explain",		no_argument,		NULL,	OPT_EXPLAIN },
	{ "follow",		no_argument,		NULL,	'F' },
	{ "from-start",		no_argument,		NULL,	OPT_FROM_START },
	{ "help",		no_argument,		NULL,	'h' },
	{ "json",		no_argument,		NULL,	OPT_JSON },
	{ "list-rules",		no_argument,		NULL,	OPT_LIST_RULES },
	{ "match-limit",	required_argument,	NULL,	OPT_MATCH_LIMIT },
	{ "max-line",		required_argument,	NULL,	OPT_MAX_LINE },
	{ "notify-exit",	optional_argument,	NULL,	OPT_NOTIFY_EXIT },
	{ "pid",		required_argument,	NULL,	OPT_PID },
	{ "poll",		no_argument,		NULL,	OPT_POLL },
	{ "preview",		no_argument,		NULL,	OPT_PREVIEW },
	{ "proxy",		required_argument,	NULL,	OPT_PROXY },
	{ "pty",		no_argument,		NULL,	OPT_PTY },
	{ "quiet",		no_argument,		NULL,	'q' },
	{ "rate",		required_argument,	NULL,	OPT_RATE },
	{ "retry-max-time",	required_argument,	NULL,	OPT_RETRY_MAX_TIME },
	{ "rules",		required_argument,	NULL,	'r' },
	{ "send",		required_argument,	NULL,	OPT_SEND },
	{ "state",		required_argument,	NULL,	OPT_STATE },
	{ "strict",		no_argument,		NULL,	OPT_STRICT },
	{ "timeout",		required_argument,	NULL,	OPT_TIMEOUT },
	{ "trace",		required_argument,	NULL,	OPT_TRACE },
	{ "verbose",		no_argument,		NULL,	'v' },
	{ "version",		no_argument,		NULL,	'V' },
	{ NULL,			0,			NULL,	0 }
};

static volatile sig_atomic_t	got_signal;
static volatile sig_atomic_t	got_status;	/* SIGUSR1 */

/*
 * --help: the operands, then one line per option, grouped by what it is
 * about.  The first form on each option line is the one the SYNOPSIS of
 * as-tail(1) shows (tests/man.bats keeps the two in step).
 */
static void
usage(FILE *f)
{
	fputs("usage: as-tail [options] [file ... | -- command [argument ...]]\n"
	    "\n"
	    "input:\n"
	    "  -F, --follow               follow the files by name, like tail -F\n"
	    "  --from-start               with -F, read what the files hold first\n"
	    "  --max-line bytes           match only the first bytes of a line (64K)\n"
	    "  --pid pid                  with -F, stop once pid ends; see --notify-exit\n"
	    "  --poll                     with -F, poll instead of using inotify\n"
	    "  --pty                      run the command on a pseudo-terminal\n"
	    "  -q, --quiet                do not pass the input through\n"
	    "  --state file               keep offsets and open activities in file\n"
	    "\n"
	    "rules:\n"
	    "  -r rules, --rules rules    load a rules file, or a pack by name\n"
	    "  -e rule                    add a rule, as a line of a rules file\n"
	    "  --check                    check the rules and their examples, exit\n"

	    "  --list-rules               list the installed rule packs, exit\n"
	    "  --match-limit n            regex steps a line at most (100000; 0: none)\n"
	    "\n"
	    "delivery:\n"
	    "  --api classic|stream       the Live Activity API\n"
	    "  --api-key-file file        read the API key from file\n"
	    "  --api-url url              send to url instead of ActivitySmith's\n"
	    "  --budget local|host|url    share the budget: this process, host, or Redis\n"
	    "  --cacert file              verify the server with these CAs\n"
	    "  --config file              read option defaults from file\n"
	    "  --drain-timeout seconds    wait for the queue at exit (10)\n"
	    "  -n, --dry-run              send nothing; show what would be sent\n"
	    "  --json                     with --send, print the reply as it came\n"
	    "  --notify-exit[=seconds]    push when the command (or --pid) ends\n"
	    "  --proxy url                for https, send through this proxy\n"
	    "  --rate n/min               requests a minute at most (60/min)\n"
	    "  --retry-max-time seconds   give up retrying after seconds (300)\n"
	    "  --send action              send one push, metric or badge, exit\n"
	    "  --strict                   exit 1 if a request was not delivered\n"
	    "  --timeout seconds          give up on one try after seconds (30)\n"
	    "\n"
	    "diagnostics:\n"
	    "  --explain                  at the end, per-rule hits and samples\n"
	    "  -h, --help                 print this help, exit\n"
	    "  --preview                  draw the Live Activities on the terminal\n"
	    "  --trace file               write each request to file as JSON\n"
	    "  -V, --version              print the version, exit\n"
	    "  -v, --verbose              say more; repeat for even more\n"
	    "\n"
	    "The manual: as-tail(1) and as-tail.rules(5), in " AS_TAIL_MANDIR
	    "\n", f);
}

/* The wrapped command's pid while it runs, for the signal handler. */
static volatile pid_t		child_pid;
static volatile sig_atomic_t	child_own_session;

/*
 * The first SIGINT, SIGTERM, SIGHUP or SIGQUIT stops reading (a wrapped
 * command gets it passed on, and decides); a second one exits at once.  A
 * signal from the terminal already reached a command in our process group,
 * so only signals sent to as-tail alone are passed on to it.
 */
static void
on_signal(int sig, siginfo_t *info, void *context)
{
	(void)context;
	if (child_pid > 0 && (child_own_session || info->si_code <= 0))
		kill(child_pid, sig);
	if (got_signal != 0) {
		preview_abort();
		_exit(128 + sig);
	}
	got_signal = sig;
}

/* Whether sig was ignored when as-tail started (nohup, a background job). */
static int
ignored_at_start(int sig)
{
	struct sigaction	old;

	return sigaction(sig, NULL, &old) == 0 && old.sa_handler == SIG_IGN;
}

/* SIGUSR1: print a status line at the next tick. */
static void
on_status(int sig, siginfo_t *info, void *context)
{
	(void)sig;
	(void)info;
	(void)context;
	got_status = 1;
}

/* SIGUSR2: for the wrapped command, passed on as on_signal does. */
static void
on_pass(int sig, siginfo_t *info, void *context)
{
	(void)context;
	if (child_pid > 0 && (child_own_session || info->si_code <= 0))
		kill(child_pid, sig);
}

/*
 * Take sig with handler, unless it was ignored when as-tail started: then
 * it stays ignored, for the command too.  Returns whether the handler is in
 * place.
 */
static int
catch_signal(int sig, void (*handler)(int, siginfo_t *, void *))
{
	struct sigaction	sa;

	if (ignored_at_start(sig))
		return 0;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = handler;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
	return 1;
}

/*
 * Install the handlers; note in dfl what the command must get back as the
 * default action (what as-tail catches, or ignores only for itself).
 */
static void
catch_signals(int wrap, sigset_t *dfl)
{
	static const int	stops[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	size_t			i;

	sigemptyset(dfl);
	for (i = 0; i < sizeof stops / sizeof stops[0]; i++)
		if (catch_signal(stops[i], on_signal))
			sigaddset(dfl, stops[i]);
	if (catch_signal(SIGUSR1, on_status))
		sigaddset(dfl, SIGUSR1);
	if (!wrap)
		signal(SIGUSR2, SIG_IGN);
	else if (catch_signal(SIGUSR2, on_pass))
		sigaddset(dfl, SIGUSR2);
	if (!ignored_at_start(SIGPIPE))
		sigaddset(dfl, SIGPIPE);
	signal(SIGPIPE, SIG_IGN);
}

/*
 * Start the wrapped command with every signal held back until child_pid is
 * set, so that one arriving meanwhile is still passed on.
 */
static int
start_command(struct child *c, char **argv, int use_pty, const sigset_t *dfl)
{
	sigset_t	all, old;
	int		rc;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	if ((rc = child_start(c, argv, use_pty, &old, dfl)) == 0) {
		child_own_session = use_pty;
		child_pid = c->pid;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}

/* "65536", "64K", "16M": a byte count from 1 to MAX_LINE_LIMIT. */
static size_t
parse_size(const char *s)
{
	char		*end;
	unsigned long	 v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (v > MAX_LINE_LIMIT)
		v = MAX_LINE_LIMIT + 1;
	if (*end == 'K' || *end == 'k')
		v *= 1024, end++;
	else if (*end == 'M' || *end == 'm')
		v *= 1024 * 1024, end++;
	if (end == s || *end != '\0' || errno != 0 || v == 0 ||
	    v > MAX_LINE_LIMIT || s[0] == '-')
		msg_usage("--max-line: '%s' is not a size from 1 to 64M", s);
	return v;
}

/* A whole number of seconds from min to max, for option name. */
static long
parse_seconds(const char *name, const char *s, long min, long max)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || *end != '\0' || errno != 0 || v < min || v > max)
		msg_usage("%s: '%s' is not a number from %ld to %ld", name, s,
		    min, max);
	return v;
}

/* "60", "60/min" or "1/s": requests a minute, from 1 to 6000. */
static unsigned
parse_rate(const char *s)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (strcmp(end, "/s") == 0)
		v *= 60;
	else if (*end != '\0' && strcmp(end, "/min") != 0)
		v = 0;
	if (end == s || errno != 0 || v < 1 || v > 6000)
		msg_usage("--rate: '%s' is not a rate like 60/min (at most "
		    "6000/min)", s);
	return (unsigned)v;
}

/* "classic" or "stream". */
static enum api_kind
parse_api(const char *s)
{
	if (strcmp(s, "classic") == 0)
		return API_CLASSIC;
	if (strcmp(s, "stream") != 0)
		msg_usage("--api: '%s' is not classic or stream", s);
	return API_STREAM;
}

static void
parse_options(int argc, char **argv, struct options *o)
{
	struct budget_config	 bc;
	char			*cause;
	int			 ch;

	memset(o, 0, sizeof *o);
	buf_init(&o->inline_rules, INLINE_RULES_MAX);
	o->max_line = MAX_LINE_DEFAULT;
	o->match_limit = MATCH_LIMIT_DEFAULT;
	o->timeout_s = 30;
	o->retry_max_s = 300;
	o->drain_s = -1;	/* 10 s, and up to 60 s for ends */
	o->notify_exit_s = -1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+:e:Fhnqr:Vv", longopts, NULL)) != -1) {
		switch (ch) {
		case 'F':
			o->follow = 1;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'n':
			o->dry_run = 1;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'e':
			if (o->ninline++ > 0)
				buf_addstr(&o->inline_rules, "\n");
			buf_addstr(&o->inline_rules, optarg);
			break;
		case 'r':
			o->rules = xreallocarray(o->rules, o->nrules + 1,
			    sizeof *o->rules);
			o->rules[o->nrules++] = optarg;
			break;
		case 'V':
			printf("as-tail %s\n", AS_TAIL_VERSION);
			exit(0);
		case 'v':
			msg_verbosity++;
			break;
		case OPT_API:
			o->api = parse_api(optarg);
			break;
		case OPT_API_KEY_FILE:
			o->key_file = optarg;
			break;
		case OPT_API_URL:
			o->api_url = optarg;
			break;
		case OPT_BUDGET:
			if (budget_parse(optarg, &bc, &cause) == -1)
				msg_usage("%s", cause);
			o->budget = optarg;
			break;
		case OPT_CACERT:
			o->cacert = optarg;
			break;
		case OPT_PROXY:
			o->proxy = optarg;
			break;
		case OPT_CHECK:
			o->check = 1;
			break;
		case OPT_CONFIG:
			o->config_path = optarg;
			break;
		case OPT_DRAIN_TIMEOUT:
			o->drain_s = parse_seconds("--drain-timeout", optarg,
			    0, 3600);
			break;
		case OPT_RATE:
			o->rate = parse_rate(optarg);
			break;
		case OPT_RETRY_MAX_TIME:
			o->retry_max_s = parse_seconds("--retry-max-time",
			    optarg, 0, 86400);
			break;
		case OPT_JSON:
			o->json = 1;
			break;
		case OPT_SEND:
			o->send = optarg;
			break;
		case OPT_FROM_START:
			o->from_start = 1;
			break;
		case OPT_NOTIFY_EXIT:
			o->notify_exit_s = optarg == NULL ? 0 :
			    parse_seconds("--notify-exit", optarg, 0, 86400 * 7);
			break;
		case OPT_PID:
			o->pid = (pid_t)parse_seconds("--pid", optarg, 1,
			    2147483647L);
			break;
		case OPT_POLL:
			o->poll = 1;
			break;
		case OPT_PTY:
			o->pty = 1;
			break;
		case OPT_PREVIEW:
			o->preview = 1;
			break;
		case OPT_STATE:
			o->state = optarg;
			break;
		case OPT_STRICT:
			o->strict = 1;
			break;
		case OPT_TIMEOUT:
			o->timeout_s = parse_seconds("--timeout", optarg, 1,
			    600);
			break;
		case OPT_EXPLAIN:
			o->explain = 1;
			break;
		case OPT_LIST_RULES:
			rules_list();
			exit(0);
		case OPT_MATCH_LIMIT:
			o->match_limit = parse_seconds("--match-limit", optarg,
			    0, 1000000000);
			break;
		case OPT_MAX_LINE:
			o->max_line = parse_size(optarg);
			break;
		case OPT_TRACE:
			o->trace = optarg;
			break;
		case ':':
			msg_usage("option '%s' needs a value", argv[optind - 1]);
		default:
			if (optopt != 0)
				msg_usage("unknown option '-%c'", optopt);
			msg_usage("unknown option '%s'", argv[optind - 1]);
		}
	}
}

/* The value of key in the config file, which msg_usage will blame. */
static const char *
config_value(const struct config *c, const char *key)
{
	const struct config_entry	*e;

	if ((e = config_get(c, key)) == NULL)
		return NULL;
	msg_usage_at(c->path, e->line);
	return e->value;
}

/*
 * The config file gives the options the command line left unset (the
 * command line wins); then the defaults fill the rest.  Its values are
 * checked even when the command line overrides them.
 */
static void
apply_config(struct options *o)
{
	struct config		*c;
	struct budget_config	 bc;
	const char		*v;
	char			*cause, why[512];
	enum api_kind		 api;
	unsigned		 rate;

	c = o->config = config_load(o->config_path);
	if ((v = config_value(c, "api")) != NULL && (api = parse_api(v)) &&
	    o->api == API_DEFAULT)
		o->api = api;
	if ((v = config_value(c, "api-key-file")) != NULL &&
	    o->key_file == NULL)
		o->key_file = v;
	if ((v = config_value(c, "api-url")) != NULL && o->api_url == NULL)
		o->api_url = v;
	if ((v = config_value(c, "budget")) != NULL) {
		if (budget_parse(v, &bc, &cause) == -1) {
			snprintf(why, sizeof why, "%s", cause);
			free(cause);
			msg_usage("%s", why);
		}
		if (o->budget == NULL)
			o->budget = v;
	}
	if ((v = config_value(c, "channels")) != NULL) {
		if (!model_channels_ok(v))
			msg_usage("channels: '%s' is not a comma-separated "
			    "list of channel slugs", v);
		o->channels = model_channels_split(v);
		api_default_channels(o->channels);
	}
	if ((v = config_value(c, "pack")) != NULL)
		o->pack = v;
	if ((v = config_value(c, "rate")) != NULL && (rate = parse_rate(v)) &&
	    o->rate == 0)
		o->rate = rate;
	msg_usage_at(NULL, 0);
	if (o->rate == 0)
		o->rate = 60;
}

/* Check the options that depend on the operands. */
static void
check_operands(const struct options *o, int wrap, int argc, char **argv)
{
	int	i;

	if (o->send != NULL && (wrap || argc > 0 || o->follow ||
	    o->nrules > 0 || o->ninline > 0 || o->pid != 0))
		msg_usage("--send sends one action: it takes no rules and "
		    "reads no input");
	if (o->json && o->send == NULL)
		msg_usage("--json goes with --send");
	for (i = 0; !wrap && i < argc; i++) {
		if (strcmp(argv[i], "--") != 0)
			continue;
		if (o->notify_exit_s == 0 && i == 1 && argv[0][0] != '\0' &&
		    strspn(argv[0], "0123456789") == strlen(argv[0]))
			msg_usage("'%s' before --: a value of --notify-exit "
			    "goes with it, as --notify-exit=%s", argv[0],
			    argv[0]);
		msg_usage("'%s' before --: give either files or a command",
		    argv[0]);
	}
	if (wrap && argc == 0)
		msg_usage("no command after --");
	if (wrap && o->follow)
		msg_usage("-F follows files; it cannot wrap a command");
	if (o->follow && argc == 0)
		msg_usage("-F needs the files to follow");
	for (i = 0; o->follow && i < argc; i++)
		if (strcmp(argv[i], "-") == 0)
			msg_usage("-F follows files by name; the standard input "
			    "has none: pipe into as-tail without -F (a file "
			    "named - is ./-)");
	if (!wrap && (o->pty || (o->notify_exit_s >= 0 && o->pid == 0)))
		msg_usage("%s is for a wrapped command: as-tail [options] -- "
		    "command", o->pty ? "--pty" : "--notify-exit");
	if (o->pid != 0 && !o->follow && o->notify_exit_s < 0)
		msg_usage("--pid goes with -F or --notify-exit");
	if (o->pid != 0 && wrap)
		msg_usage("--pid waits for a running process; it cannot wrap a "
		    "command");
	if (o->pid != 0 && !o->follow && argc > 0)
		msg_usage("--notify-exit --pid reads no input: '%s'", argv[0]);
	if ((o->from_start || o->poll) && !o->follow)
		msg_usage("%s goes with -F", o->poll ? "--poll" :
		    "--from-start");
}

/*
 * No -r: the pack made for the wrapped command, else the generic one (or
 * the config file's).  --notify-exit alone needs no rules, nor does
 * waiting for --pid.  Says which, once, with -v; but returns 1 when the
 * input may choose another (detect.c), which then says which.  Not with
 * --state, whose activities belong to the rules of the run that saved
 * them.
 */
static int
choose_pack(struct options *o, int wrap, char **argv)
{
	const char	*pack = NULL, *tool = NULL;
	char		*path;
	int		 detect = 0;

	if (o->nrules > 0 || o->ninline > 0 ||
	    (wrap && o->notify_exit_s >= 0) || (o->pid != 0 && !o->follow))
		return 0;
	if (wrap)
		pack = pack_for_command(argv, &tool);
	if (pack != NULL && (path = rules_find_pack(pack)) != NULL)
		free(path);
	else if (pack != NULL) {
		msg_verbose(1, "no %s pack installed for %s", pack, tool);
		pack = NULL;
	}
	if (pack != NULL)
		msg_verbose(1, "rules: the %s pack, for %s", pack, tool);
	else {
		pack = o->pack != NULL ? o->pack : PACK_FALLBACK;
		detect = o->state == NULL && !o->check;
		if (!detect)
			msg_verbose(1, "rules: the %s pack", pack);
	}
	o->rules = xreallocarray(o->rules, 1, sizeof *o->rules);
	o->rules[o->nrules++] = o->chosen = pack;
	return detect;
}

/* Load every -r file; print every error and exit 2 if there were any. */
static struct ruleset *
load_rules(struct options *o)
{
	struct ruleset	*rs = ruleset_new();
	char		*path;
	size_t		 i;

	for (i = 0; i < o->nrules; i++) {
		if ((path = rules_find(o->rules[i])) == NULL) {
			ruleset_errorf(rs, "%s: no such rules file, and no "
			    "%s.rules in the rules directories", o->rules[i],
			    o->rules[i]);
			continue;
		}
		msg_verbose(1, "-r %s: reading %s", o->rules[i], path);
		ruleset_load(rs, path);
		free(path);
	}
	if (o->inline_rules.truncated)
		ruleset_errorf(rs, "-e: more than %d bytes of rules",
		    INLINE_RULES_MAX);
	else if (o->ninline > 0)
		ruleset_load_text(rs, "-e", buf_str(&o->inline_rules));
	ruleset_finish(rs);
	for (i = 0; i < rs->nerrors; i++)
		msg_warnx("%s", rs->errors[i]);
	if (rs->nerrors > 0)
		msg_fatalx(2, "%zu error%s in the rules; nothing was read or "
		    "sent", rs->nerrors, rs->nerrors == 1 ? "" : "s");
	return rs;
}

static FILE *
open_trace(const struct options *o)
{
	FILE	*f;

	if (o->trace == NULL)
		return NULL;
	if (strcmp(o->trace, "-") == 0)
		return stderr;
	if ((f = fopen(o->trace, "w")) == NULL)
		msg_fatal(2, "%s", o->trace);
	return f;
}

/* --check: the rules loaded; now their examples.  Returns the exit status. */
static int
check_examples(struct ruleset *rs, struct options *o)
{
	struct matcher	*m;
	size_t		 i, failures;

	m = matcher_new(rs, o->max_line);
	matcher_limit(m, (uint32_t)o->match_limit);
	failures = examples_check(rs, m);
	for (i = 0; i < rs->nerrors; i++)
		msg_warnx("%s", rs->errors[i]);
	if (failures > 0)
		msg_warnx("%zu of %zu example%s failed", failures,
		    rs->nexamples, rs->nexamples == 1 ? "" : "s");
	else
		msg_verbose(1, "rules ok: %zu rule%s, %zu activit%s, %zu "
		    "example%s", rs->nrules, rs->nrules == 1 ? "" : "s",
		    rs->nactivities, rs->nactivities == 1 ? "y" : "ies",
		    rs->nexamples, rs->nexamples == 1 ? "" : "s");
	matcher_free(m);
	ruleset_free(rs);
	free(o->rules);
	buf_free(&o->inline_rules);
	config_free(o->config);
	model_channels_free(o->channels);
	return failures > 0 ? 2 : 0;
}

/* AS_TAIL_TIME_SCALE (tests and benchmarks only): the budget's clock
 * runs this many times faster; 0 if unset. */
static unsigned
time_scale(void)
{
	const char	*scale;

	if ((scale = getenv("AS_TAIL_TIME_SCALE")) == NULL)
		return 0;
	return (unsigned)parse_seconds("AS_TAIL_TIME_SCALE", scale, 1, 1000);
}

/*
 * The budget shared with other as-tail processes: --budget, else
 * ACTIVITYSMITH_BUDGET, else the host's.  AS_TAIL_TIME_SCALE (tests and
 * benchmarks only) runs its clock faster.
 */
static struct budget *
open_budget(const struct options *o, const char *key)
{
	struct budget_config	 bc;
	const char		*spec = o->budget;
	char			*cause;

	memset(&bc, 0, sizeof bc);
	if (spec == NULL && ((spec = getenv("ACTIVITYSMITH_BUDGET")) == NULL ||
	    *spec == '\0'))
		spec = "host";
	if (budget_parse(spec, &bc, &cause) == -1)
		msg_fatalx(2, "%s", cause);
	bc.key = key;
	bc.rate = o->rate;
	bc.time_scale = time_scale();
	return budget_new(&bc);
}

/*
 * A dry run's sender, on a budget of its own (a dry run must not spend the
 * one real runs share): the requests a real run would send go, in words,
 * to the standard error, or as JSON to --trace.  AS_TAIL_DRY_UNLIMITED
 * (tests only) takes the budget away: every request goes as it is made.
 */
static struct sender *
start_dry_sender(const struct options *o, struct outbox *ob,
    struct budget **budget)
{
	struct budget_config	 bc;
	const char		*unlimited = getenv("AS_TAIL_DRY_UNLIMITED");
	FILE			*show = NULL;

	if (o->trace == NULL && !o->preview)
		show = stderr;	/* --preview draws on the terminal instead */
	if (unlimited != NULL && *unlimited != '\0')
		return sender_dry_new(ob, NULL, show);
	memset(&bc, 0, sizeof bc);
	bc.kind = BUDGET_LOCAL;
	bc.rate = o->rate;
	bc.time_scale = time_scale();
	*budget = budget_new(&bc);
	return sender_dry_new(ob, *budget, show);
}

/*
 * The key, the API's base URL (checked, without a trailing slash; a new
 * string) and libcurl, for sending.  Without a key there is nothing to do
 * but explain how to set one.
 */
static char *
delivery_setup(const struct options *o, char **key)
{
	const char	*url;
	char		*cause, *base;
	size_t		 len;

	if ((*key = key_load(o->key_file)) == NULL)
		msg_fatalx(2, "no API key: set ACTIVITYSMITH_API_KEY or use "
		    "--api-key-file FILE (or -n for a dry run)");
	if ((url = o->api_url) == NULL &&
	    ((url = getenv("ACTIVITYSMITH_API_URL")) == NULL || *url == '\0'))
		url = API_URL_DEFAULT;
	if (http_check_url(url, &cause) != 0)
		msg_fatalx(2, "%s", cause);
	base = xstrdup(url);
	if ((len = strlen(base)) > 0 && base[len - 1] == '/')
		base[len - 1] = '\0';
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		msg_fatalx(1, "cannot initialise libcurl");
	return base;
}

/*
 * Set up delivery, the budget and the sender thread.  The sender keeps the
 * only copy of the key.
 */
static struct sender *
start_sender(const struct options *o, struct outbox *ob,
    struct budget **budget)
{
	struct sender_config	 cfg;
	char			*base, *key;
	struct sender		*s;

	base = delivery_setup(o, &key);
	memset(&cfg, 0, sizeof cfg);
	cfg.url = base;
	cfg.key = key;
	cfg.cacert = o->cacert;
	cfg.budget = *budget = open_budget(o, key);
	cfg.proxy = o->proxy;
	cfg.timeout_s = o->timeout_s;
	cfg.retry_max_ms = (uint64_t)o->retry_max_s * 1000;
	s = sender_start(ob, &cfg);
	key_free(key);
	free(base);
	return s;
}

/*
 * The history of this job, for learned totals: the packs and the command
 * line, or the packs and the followed files.  NULL for the standard input
 * and files read once, which name no job.
 */
static struct history *
open_history(const struct options *o, const char *command, int argc,
    char **argv)
{
	struct history	*h;
	struct buf	 packs, files;
	size_t		 i;
	int		 j;

	if (command == NULL && !o->follow)
		return NULL;
	buf_init(&packs, 4096);
	buf_init(&files, 4096);
	for (i = 0; i < o->nrules; i++) {
		buf_addstr(&packs, i > 0 ? "," : "");
		buf_addstr(&packs, o->rules[i]);
	}
	buf_addstr(&packs, o->ninline == 0 ? "" : o->nrules > 0 ? ",-e" : "-e");
	for (j = 0; command == NULL && j < argc; j++) {
		buf_addstr(&files, j > 0 ? " " : "");
		buf_addstr(&files, argv[j]);
	}
	h = history_open(buf_str(&packs), command != NULL ? command :
	    buf_str(&files));
	buf_free(&packs);
	buf_free(&files);
	return h;
}

/* --send: one request, its reply printed; returns the exit status. */
static int
send_once(const struct options *o)
{
	struct oneshot	 os;
	char		*key = NULL, *base = NULL;
	int		 rval;

	memset(&os, 0, sizeof os);
	os.action = o->send;
	os.json = o->json;
	os.dry_run = o->dry_run;
	os.cacert = o->cacert;
	os.proxy = o->proxy;
	os.timeout_s = o->timeout_s;
	os.trace = open_trace(o);
	if (!o->dry_run) {
		base = delivery_setup(o, &key);
		os.key = key;
		os.url = base;
	} else
		key_hide();
	rval = oneshot_send(&os);
	if (os.trace != NULL && os.trace != stderr && fclose(os.trace) == EOF) {
		msg_warn("%s", o->trace);
		rval = 1;
	}
	if (!o->dry_run)
		curl_global_cleanup();
	free(base);
	key_free(key);
	return rval;
}

/*
 * Drain the outbox for --drain-timeout; without it, for 10 s, and for up
 * to SENDER_END_DRAIN_S while ends are still being retried.  Returns how
 * many requests were left.
 */
static unsigned long
finish_sender(const struct options *o, struct sender *s, int *key_refused)
{
	uint64_t	now = clock_now_ms();

	if (o->drain_s >= 0)
		return sender_finish(s, now + (uint64_t)o->drain_s * 1000,
		    now + (uint64_t)o->drain_s * 1000, key_refused);
	return sender_finish(s, now + DRAIN_DEFAULT_S * 1000,
	    now + SENDER_END_DRAIN_S * 1000, key_refused);
}

/* Report what became of the requests; return how many were not delivered. */
static unsigned long
report_delivery(struct outbox *ob, unsigned long left)
{
	struct outbox_stats	st;

	outbox_stats(ob, &st);
	msg_verbose(1, "requests: %lu sent, %lu coalesced, %lu folded, %lu "
	    "retried, %lu failed, %lu unsent", st.sent, st.coalesced,
	    st.folded, st.retried, st.failed, left);
	if (st.failed + left > 0)
		msg_warnx("%lu request%s not delivered", st.failed + left,
		    st.failed + left == 1 ? "" : "s");
	return st.failed + left;
}

/*
 * AS_TAIL_TEST_RENEW_S, for tests only: renew classic Live Activities after
 * that many seconds instead of before iOS's 8 hours.
 */
static void
test_renew_after(struct activities *as)
{
	const char	*s = getenv("AS_TAIL_TEST_RENEW_S");
	char		*end;
	long		 v;

	if (s == NULL || *s == '\0')
		return;
	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || *end != '\0' || errno != 0 || v < 1 || v > 86400)
		msg_fatalx(2, "AS_TAIL_TEST_RENEW_S: '%s' is not a number of "
		    "seconds from 1 to 86400", s);
	activities_renew_after(as, (uint64_t)v * 1000);
}

/* What runs once a second while reading. */
struct ticker {
	struct action_env	*env;		/* its events time out */
	struct activities	*activities;
	struct state		*state;
	struct outbox		*outbox;
	const char		*pack;		/* chosen without -r, or NULL */
	struct detect		*detect;	/* choosing from the input */
	struct sender		*dry;		/* a dry run's sender */
	uint64_t		 lines;		/* read so far */
};

/*
 * SIGUSR1, as dd(1) does: one line on stderr with the pack as-tail chose
 * (if it chose one), the lines read, the requests, and each open activity's
 * state.
 */
static void
print_status(struct ticker *t)
{
	struct outbox_stats	st;
	struct buf		b;
	char			pack[128] = "";

	outbox_stats(t->outbox, &st);
	buf_init(&b, 4096);
	activities_status(t->activities, &b);
	buf_str(&b);
	if (t->detect != NULL && detect_pack(t->detect) == NULL)
		snprintf(pack, sizeof pack, "pack not chosen yet; ");
	else if (t->pack != NULL)
		snprintf(pack, sizeof pack, "pack %.100s; ", t->pack);
	msg_warnx("%s%llu line%s read; requests: %lu sent, %lu queued, %lu "
	    "coalesced, %lu folded, %lu failed%s", pack,
	    (unsigned long long)t->lines,
	    t->lines == 1 ? "" : "s", st.sent, st.queued, st.coalesced,
	    st.folded, st.failed, b.data);
	buf_free(&b);
}

static void
tick(void *arg, uint64_t now)
{
	struct ticker	*t = arg;

	if (t->detect != NULL)
		detect_tick(t->detect, now);
	if (got_status) {
		got_status = 0;
		print_status(t);
	}
	action_tick(t->env, now);
	activities_tick(t->activities, now);
	if (t->dry != NULL)
		sender_dry_send(t->dry);	/* what the budget let go since */
	if (t->state != NULL)
		state_save(t->state);
}

/*
 * The rules in use and what is made from them: all of it is replaced when
 * a pack detected in the input takes over from the fallback (use_pack).
 */
struct rules_in_use {
	struct options		*o;
	struct ruleset		*rs;
	struct matcher		*m;
	struct action_env	*env;
	struct ticker		*ticker;
	struct history		*history;
};

/* Make the activities, the rule state and the matcher for u->rs. */
static void
rules_wire(struct rules_in_use *u)
{
	u->env->activities = activities_new(u->rs, u->env->outbox, u->o->api);
	test_renew_after(u->env->activities);
	activities_set_history(u->env->activities, u->history);
	u->env->state = action_state_new(u->rs);
	u->env->events = events_new(u->rs, action_event, u->env);
	u->m = matcher_new(u->rs, u->o->max_line);
	matcher_on_line_done(u->m, action_line_done, u->env);
	matcher_follow(u->m, events_open, events_line, u->env->events);
	matcher_limit(u->m, (uint32_t)u->o->match_limit);
	u->ticker->activities = u->env->activities;
}

/*
 * detect.c chose pack from the input: say so, and if it is not the
 * fallback, load it instead.  Nothing has used the fallback's rules yet
 * (detect.c held every line), so they go whole.  Returns the matcher.
 */
static struct matcher *
use_pack(void *arg, const char *pack)
{
	struct rules_in_use	*u = arg;

	u->ticker->pack = pack;
	if (strcmp(pack, u->o->chosen) == 0) {
		msg_verbose(1, "rules: the %s pack", pack);
		return u->m;
	}
	msg_verbose(1, "rules: the %s pack, detected in the input", pack);
	u->o->rules[0] = u->o->chosen = pack;
	matcher_free(u->m);
	events_free(u->env->events);
	activities_free(u->env->activities);
	action_state_free(u->env->state, u->rs);
	ruleset_free(u->rs);
	u->rs = load_rules(u->o);
	rules_wire(u);
	return u->m;
}

/* --notify-exit: one push saying how the command ended. */
static void
notify_exit(const struct options *o, struct outbox *ob,
    const struct child *c, uint64_t elapsed_ms)
{
	char	 took[32], *title, *message;

	if (o->notify_exit_s < 0 || elapsed_ms < (uint64_t)o->notify_exit_s *
	    1000)
		return;
	clock_format_duration(elapsed_ms, took, sizeof took);
	if (c->status == 0)
		title = xasprintf("\xe2\x9c\x93 %.200s", c->command);
	else
		title = xasprintf("\xe2\x9c\x97 %.200s", c->command);
	if (c->signal != 0)
		message = xasprintf("killed by signal %d after %s on %s",
		    c->signal, took, template_host());
	else
		message = xasprintf("exit %d after %s on %s", c->exit_code,
		    took, template_host());
	outbox_add(ob, api_push(title, message, NULL, NULL, NULL));
	free(title);
	free(message);
}

/*
 * --notify-exit --pid: wait for a process that is not ours, then push that
 * it ended (how, only its parent may know).  Returns the exit status.
 */
static int
wait_pid(const struct options *o, struct outbox *ob, uint64_t start)
{
	char		 took[32], *command, *title, *message;
	uint64_t	 elapsed_ms;

	if (pidwait_gone(o->pid)) {
		msg_warnx("--pid %ld: no such process", (long)o->pid);
		return 1;
	}
	command = pidwait_command(o->pid);
	msg_verbose(1, "waiting for process %ld: %s", (long)o->pid, command);
	if (pidwait_wait(o->pid, &got_signal) == 0) {
		msg_verbose(1, "process %ld has ended", (long)o->pid);
		elapsed_ms = clock_now_ms() - start;
		clock_format_duration(elapsed_ms, took, sizeof took);
		title = xasprintf("%.200s", command);
		message = xasprintf("ended after %s on %s", took,
		    template_host());
		if (elapsed_ms >= (uint64_t)o->notify_exit_s * 1000)
			outbox_add(ob, api_push(title, message, NULL, NULL,
			    NULL));
		free(title);
		free(message);
	}
	free(command);
	return 0;
}

/* The wrapped command ended: let its status decide open activities. */
static void
child_ended(const struct options *o, struct action_env *env,
    const struct ruleset *rs, struct outbox *ob, const struct child *c,
    uint64_t start)
{
	env->exit_status = c->status;
	env->signal = c->signal;
	if (c->status != 0)
		activities_fail_all(env->activities);
	action_exit(env, rs);
	notify_exit(o, ob, c, clock_now_ms() - start);
}

int
main(int argc, char **argv)
{
	struct options		 o;
	struct ruleset		*rs;
	struct matcher		*m;
	struct outbox		*ob;
	struct sender		*sender = NULL;
	struct budget		*budget = NULL;
	struct action_env	 env;
	struct input		 in;
	struct child		 child;
	struct ticker		 ticker;
	struct history		*history;
	struct preview		*preview = NULL;
	struct rules_in_use	 riu;
	struct detect_use	 du;
	struct detect		*detect = NULL;
	sigset_t		 dfl;
	FILE			*trace;
	uint64_t		 start;
	unsigned long		 left = 0;
	enum outcome		 outcome;
	int			 rval, wrap, detecting, refused = 0;

	start = clock_now_ms();
	parse_options(argc, argv, &o);
	apply_config(&o);
	wrap = optind > 1 && strcmp(argv[optind - 1], "--") == 0;
	argc -= optind;
	argv += optind;
	check_operands(&o, wrap, argc, argv);
	if (o.send != NULL) {
		rval = send_once(&o);
		free(o.rules);
		buf_free(&o.inline_rules);
		config_free(o.config);
		model_channels_free(o.channels);
		return rval;
	}
	detecting = choose_pack(&o, wrap, argv);
	memset(&riu, 0, sizeof riu);
	memset(&du, 0, sizeof du);
	du.use = use_pack;
	du.arg = &riu;
	du.match = action_match;
	du.source = action_source;
	du.match_arg = &env;
	if (detecting && (detect = detect_new(o.chosen, &du,
	    clock_now_ms())) == NULL)
		msg_verbose(1, "rules: the %s pack", o.chosen);
	rs = load_rules(&o);
	if (o.check)
		return check_examples(rs, &o);
	trace = open_trace(&o);
	ob = outbox_new(trace, PUSH_QUEUE_MAX);
	if (!o.dry_run)
		sender = start_sender(&o, ob, &budget);
	else {
		key_hide();
		sender = start_dry_sender(&o, ob, &budget);
	}
	if (o.preview)
		preview = preview_new(ob);

	memset(&env, 0, sizeof env);
	env.outbox = ob;
	env.vars = vars_new();
	env.start_ms = start;
	env.exit_status = -1;
	memset(&ticker, 0, sizeof ticker);
	riu.o = &o;
	riu.rs = rs;
	riu.env = &env;
	riu.ticker = &ticker;
	rules_wire(&riu);
	m = riu.m;

	memset(&in, 0, sizeof in);
	in.out = o.quiet ? -1 : STDOUT_FILENO;
	in.max_line = o.max_line;
	in.counting = o.explain;
	in.watch_pid = o.pid;
	in.matcher = m;
	in.sink.match = action_match;
	in.sink.source = action_source;
	in.sink.arg = &env;
	in.sink.read = &ticker.lines;
	if (detect != NULL) {
		in.sink.divert = detect_lines;
		in.sink.source = detect_source;
		in.sink.arg = detect;
		ticker.detect = detect;
	}
	in.stop = &got_signal;
	catch_signals(wrap, &dfl);	/* before the command starts: none may be lost */
	lines_set_stop(&got_signal);
	if (wrap) {
		if (start_command(&child, argv, o.pty, &dfl) == 0) {
			env.command = child.command;
			in.child = &child;
		}
	} else if (o.follow)
		in.follow = follow_new(argv, argc, o.from_start, in.out,
		    o.max_line, o.poll);
	else
		in.files = argc > 0 ? argv : NULL;
	history = riu.history = open_history(&o, env.command, argc, argv);
	activities_set_history(env.activities, history);
	ticker.env = &env;
	ticker.outbox = ob;
	ticker.pack = o.chosen;
	ticker.dry = o.dry_run ? sender : NULL;
	ticker.state = o.state == NULL ? NULL : state_new(o.state, in.follow,
	    env.activities);
	if (ticker.state != NULL)
		state_load(ticker.state);
	in.tick = tick;
	in.tick_arg = &ticker;
	in.wake = preview != NULL ? preview_wake : NULL;
	in.wake_arg = preview;

	if (o.pid != 0 && !o.follow)
		rval = wait_pid(&o, ob, start);
	else
		rval = wrap && in.child == NULL ? 0 : input_run(&in);
	if (detect != NULL) {
		/* The input is over: what it held goes to the fallback. */
		detect_tick(detect, UINT64_MAX);
		rs = riu.rs;
		m = riu.m;
	}
	/*
	 * How the job ended: a wrapped command's status says (child_ended);
	 * otherwise the end of the input is a success unless a failure was
	 * seen, and a signal or a cut output (| head) is an interruption.
	 */
	outcome = !wrap && (got_signal != 0 || rval < 0) ?
	    OUTCOME_INTERRUPTED : OUTCOME_NONE;
	if (rval < 0)
		rval = 1;
	events_end_all(env.events);	/* the input is over */
	action_line_done(&env);
	if (wrap) {
		child_pid = 0;
		child_ended(&o, &env, rs, ob, &child, start);
	}
	/*
	 * Input over: end what is open.  But when a signal stopped as-tail and
	 * it keeps --state, the next run carries on.
	 */
	if (ticker.state == NULL || got_signal == 0 || wrap)
		activities_end_all(env.activities, outcome);
	if (o.explain)
		explain_print(stderr, rs, env.state, m, in.nlines, in.nbytes,
		    clock_now_ms() - start);
	preview_flush(preview);
	left = finish_sender(&o, sender, &refused);
	preview_finish(preview);
	/* After the drain: a start answered during it has its id now. */
	if (ticker.state != NULL)
		state_save(ticker.state);
	budget_free(budget);
	if (report_delivery(ob, left) > 0 && o.strict && rval == 0)
		rval = 1;
	if (refused && rval == 0)
		rval = 1;	/* nothing will ever be delivered */

	state_free(ticker.state);
	follow_free(in.follow);
	matcher_free(m);
	events_free(env.events);
	activities_free(env.activities);
	action_state_free(env.state, rs);
	history_free(history);
	detect_free(detect);
	free(env.last_fail);
	vars_free(env.vars);
	outbox_free(ob);
	if (trace != NULL && trace != stderr && fclose(trace) == EOF) {
		msg_warn("%s", o.trace);
		rval = 1;
	}
	ruleset_free(rs);
	free(o.rules);
	buf_free(&o.inline_rules);
	config_free(o.config);
	model_channels_free(o.channels);
	if (!o.dry_run)
		curl_global_cleanup();
	if (wrap) {
		child_free(&child);
		/* The command's status, unless it succeeded and we did not. */
		if (child.status != 0)
			return child.status;
	} else if (got_signal != 0)
		return 128 + got_signal;
	return rval;
}
