/* cmd/registry.c -- the registry flags every OCI-speaking command shares,
 * and the progress bar
 *
 * push, pull (and emit --push, verify OCI-REF, check --verify-signatures)
 * take the same connection flags (SPEC §4, docs/cli.md "Registry flags"):
 * they are parsed here so each command refuses conflicts the same way,
 * before any I/O, and builds its oci_client the same way.
 */
#include "cmd/cmd.h"

#include <openssl/crypto.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CMD_PASSWORD_MAX 4096 /* --registry-password-stdin */

int cmd_registry_flag(cmd_registry_flags *f, int argc, char **argv, int *i)
{
	const cmd_flag valued[] = {
		{"--registry-username", &f->username},
		{"--registry-ca", &f->ca_file},
		{"--registry-ca-file", &f->ca_file}, /* oras --ca-file */
		{"--docker-config", &f->docker_config},
		{"--timeout", &f->timeout},
		{NULL, NULL},
	};
	const char *a = argv[*i];

	if (strcmp(a, "--registry-plain-http") == 0) {
		f->plain_http = true;
		return 1;
	}
	if (strcmp(a, "--registry-insecure-tls") == 0) {
		f->insecure_tls = true;
		return 1;
	}
	if (strcmp(a, "--registry-password-stdin") == 0) {
		f->password_stdin = true;
		return 1;
	}
	if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
		f->quiet = true;
		return 1;
	}
	return cmd_flag_take(valued, argc, argv, i);
}

int cmd_registry_check(cmd_registry_flags *f, const char *command)
{
	if (f->timeout != NULL &&
	    cmd_duration_parse(&f->timeout_ms, f->timeout) < 0)
		return cmd_usage_error(command,
				       "--timeout wants a duration such as "
				       "90s, 5m or 1h (0: no limit)");
	if (f->password_stdin && f->username == NULL)
		return cmd_usage_error(command, "--registry-password-stdin "
						"needs --registry-username");
	if (f->username != NULL && !f->password_stdin)
		return cmd_usage_error(command, "--registry-username needs "
						"--registry-password-stdin");
	if (f->plain_http && (f->insecure_tls || f->ca_file != NULL))
		return cmd_usage_error(command,
				       "--registry-plain-http conflicts with "
				       "the TLS flags");
	return 0;
}

/* Reads the password from stdin: one line, at most CMD_PASSWORD_MAX. */
static int cmd_read_password(char **out, ae_err *err)
{
	char *buf = calloc(1, CMD_PASSWORD_MAX + 1);
	size_t n = 0;

	*out = NULL;
	if (buf == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	while (n < CMD_PASSWORD_MAX) {
		ssize_t got = read(0, buf + n, CMD_PASSWORD_MAX - n);
		if (got <= 0)
			break;
		n += (size_t)got;
	}
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	if (n == 0 || n >= CMD_PASSWORD_MAX || ae_has_nul(buf, n)) {
		free(buf);
		return ae_fail(err, AE_EINVAL,
			       "--registry-password-stdin: want one line of "
			       "1..%d bytes on stdin",
			       CMD_PASSWORD_MAX - 1);
	}
	*out = buf;
	return 0;
}

/* Set while a progress bar or line is drawn and its line not ended, for
 * cmd_progress_end (called from the interrupt handler). */
volatile sig_atomic_t cmd_progress_open;

void cmd_progress_end(void)
{
	if (cmd_progress_open) {
		cmd_progress_open = 0;
		(void)!write(2, "\n", 1);
	}
}

/* One transfer's bar: redrawn when its percentage moves, at most every
 * 100 ms, and at the end. */
typedef struct cmd_bar {
	int last_pct;
	uint64_t last_done;
	int64_t start_ms, last_ms;
	char what[20];
} cmd_bar;

/* "1:05" or "1:02:05" */
static void bar_eta(char *out, size_t n, double s)
{
	unsigned long t = s > 359999 ? 359999 : (unsigned long)(s + 0.5);

	if (t >= 3600)
		snprintf(out, n, "%lu:%02lu:%02lu", t / 3600, t / 60 % 60,
			 t % 60);
	else
		snprintf(out, n, "%lu:%02lu", t / 60, t % 60);
}

/* Draws "what [#####     ] 42% 12.0/28.5 MiB 3.1 MiB/s ETA 0:05" on a
 * TTY for > 1 MiB; the rate is the transfer's average so far. */
static void cmd_progress(void *ctx, const char *what, uint64_t done,
			 uint64_t total)
{
	cmd_bar *b = ctx;
	int64_t now = ae_clock_ms();
	double rate, secs;
	char eta[32] = "-:--";
	int pct, bars;

	if (total <= (1u << 20) || done > total)
		return;
	if (strncmp(b->what, what, sizeof(b->what) - 1) != 0 ||
	    b->start_ms == 0 || done < b->last_done) {
		/* a new transfer (or a retry from its start) */
		snprintf(b->what, sizeof(b->what), "%s", what);
		b->start_ms = now;
		b->last_pct = -1;
		b->last_ms = 0;
	}
	b->last_done = done;
	pct = (int)(done * 100 / total);
	if (pct == b->last_pct || (done != total && now - b->last_ms < 100))
		return; /* the end is drawn once, the rest 10 times a second */
	b->last_pct = pct;
	b->last_ms = now;
	bars = pct / 4;
	secs = (double)(now - b->start_ms) / 1000.0;
	rate = secs > 0.05 ? (double)done / secs : 0.0;
	if (done == total)
		bar_eta(eta, sizeof(eta), secs);
	else if (rate > 0)
		bar_eta(eta, sizeof(eta), (double)(total - done) / rate);
	cmd_progress_open = 1; /* before the bytes: an interrupt may come */
	fprintf(stderr,
		"\r%.19s [%.*s%*s] %3d%% %.1f/%.1f MiB %.1f MiB/s %s %s\033[K",
		what, bars, "#########################", 25 - bars, "", pct,
		(double)done / 1048576.0, (double)total / 1048576.0,
		rate / 1048576.0, done == total ? "in" : "ETA", eta);
	if (done == total)
		fputc('\n', stderr);
	fflush(stderr);
	if (done == total)
		cmd_progress_open = 0;
}

void cmd_password_free(char *password)
{
	if (password == NULL)
		return;
	OPENSSL_cleanse(password, strlen(password));
	free(password);
}

int cmd_registry_opts(oci_client_opts *o, char **password_out,
		      const cmd_registry_flags *f, bool push, ae_err *err)
{
	static cmd_bar bar;
	int rc;

	*o = (oci_client_opts)OCI_CLIENT_OPTS_INIT;
	*password_out = NULL;
	if (f->password_stdin) {
		rc = cmd_read_password(password_out, err);
		if (rc < 0)
			return rc;
	}
	o->username = f->username;
	o->password = *password_out;
	o->docker_config = f->docker_config;
	o->ca_file = f->ca_file;
	o->insecure_tls = f->insecure_tls;
	o->plain_http = f->plain_http;
	o->push = push;
	o->deadline = ae_deadline_in(f->timeout_ms);
	if (!f->quiet && isatty(2)) {
		o->progress = cmd_progress;
		o->progress_ctx = &bar;
	}
	return 0;
}

int cmd_registry_client(oci_client **out, const oci_ref *ref,
			const cmd_registry_flags *f, bool push, ae_err *err)
{
	oci_client_opts o;
	char *password = NULL;
	int rc;

	*out = NULL;
	rc = cmd_registry_opts(&o, &password, f, push, err);
	if (rc == 0)
		rc = oci_client_new(out, ref, &o, err);
	cmd_password_free(password);
	return rc;
}

void cmd_registry_help(FILE *f)
{
	fputs("registry flags:\n"
	      "  --registry-username U      basic auth user (password from\n"
	      "  --registry-password-stdin  stdin); else docker config.json\n"
	      "  --docker-config FILE       config.json to read auths from\n"
	      "  --registry-ca-file FILE    trust this CA bundle for TLS\n"
	      "                             (also --registry-ca FILE)\n"
	      "  --registry-insecure-tls    do not verify the TLS certificate\n"
	      "  --registry-plain-http      plain HTTP (loopback registries "
	      "only)\n"
	      "  --timeout DURATION         give up after DURATION (90s, 5m, "
	      "1h): exit 3\n"
	      "  -q, --quiet                no progress on stderr (shown only "
	      "on a terminal)\n",
	      f);
}
