/* cmd/util.c -- exit codes, error lines, report output */
#include "cmd/cmd.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#define CMD_OUTPUT_MAX (256u << 20) /* a report bigger than this is a bug */

int cmd_exit_code(cmd_outcome outcome)
{
	switch (outcome) {
	case CMD_OK:
		return 0;
	case CMD_FINDINGS:
		return 1;
	case CMD_INVALID:
	case CMD_ERROR:
		return 2;
	case CMD_TRANSIENT:
		return 3;
	case CMD_USAGE:
		return 64;
	}
	return 2;
}

cmd_outcome cmd_outcome_from_rc(int rc)
{
	return rc == AE_ETRANSIENT ? CMD_TRANSIENT : CMD_ERROR;
}

int cmd_duration_parse(uint64_t *ms_out, const char *s)
{
	return ae_duration_parse(ms_out, s, CMD_DURATION_MAX_S);
}

const char *cmd_esc(cmd_esc_set *e, const char *s)
{
	char *out;

	if (s == NULL)
		return "";
	if (e->n == CMD_ESC_SLOTS)
		return "(too many values)";
	out = ae_esc_value_dup(s);
	if (out == NULL)
		return "(out of memory)";
	e->s[e->n++] = out;
	return out;
}

void cmd_esc_free(cmd_esc_set *e)
{
	for (size_t i = 0; i < e->n; i++)
		free(e->s[i]);
	e->n = 0;
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

/* Draws an ae_bar on stderr (a TTY's: registry.c passes it only then). */
void cmd_progress(void *ctx, const char *what, uint64_t done, uint64_t total)
{
	ae_buf line = AE_BUF_INIT(512);

	if (ae_bar_render(&line, ctx, what, done, total, ae_clock_ms()) != 1)
		return;
	cmd_progress_open = 1; /* before the bytes: an interrupt may come */
	fputs((const char *)line.data, stderr);
	fflush(stderr);
	cmd_progress_open = line.data[line.len - 1] != '\n';
	ae_buf_dispose(&line);
}

void cmd_error(const char *what, const ae_err *err)
{
	const char *why = err && err->msg[0]
				  ? err->msg
				  : ae_err_name(err ? err->code : AE_ERR);
	cmd_esc_set e = {0};

	cmd_progress_end(); /* a failed transfer leaves its bar open */
	/* `what` is a path or a reference from the command line or a
	 * bundle; `why` may quote what a registry, a library (libgit2's
	 * message names the path it was given) or a file said, bytes that
	 * were never escaped: both go through the one capped escape. A value
	 * already escaped where it was written (ae_repr) shows its backslash
	 * as \x5c: unambiguous, never a raw control byte. */
	if (what != NULL && *what != '\0')
		fprintf(stderr, "aicr-evidence: %s: %s\n", cmd_esc(&e, what),
			cmd_esc(&e, why));
	else
		fprintf(stderr, "aicr-evidence: %s\n", cmd_esc(&e, why));
	cmd_esc_free(&e);
}

int cmd_identity_regexp_check(const char *command, const char *flag,
			      const char *re)
{
	ae_err err = {0};
	ae_re *compiled = NULL;

	if (re == NULL)
		return 0;
	if (re[0] == '\0')
		return cmd_usage_error(command, "%s: empty pattern", flag);
	if (ae_re_new(&compiled, re, AE_RE_MAX_MEM, &err) < 0)
		return cmd_usage_error(command, "%s: %s", flag, err.msg);
	ae_re_free(compiled);
	return 0;
}

/* Prints `lead`, the formatted line through the one capped escape (it
 * quotes the command line's words, a file name, a library's message) and
 * a newline on stderr. */
static void cmd_eline(const char *lead, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

static void cmd_eline(const char *lead, const char *fmt, va_list ap)
{
	ae_buf b = AE_BUF_INIT(AE_ESC_VALUE_MAX);
	cmd_esc_set e = {0};
	const char *line = "(out of memory)";

	if (ae_buf_vprintf(&b, NULL, fmt, ap) == 0 &&
	    ae_buf_put(&b, "", 1, NULL) == 0)
		line = cmd_esc(&e, (const char *)b.data);
	fprintf(stderr, "%s%s\n", lead, line);
	cmd_esc_free(&e);
	ae_buf_dispose(&b);
}

int cmd_usage_error(const char *command, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cmd_eline("aicr-evidence: ", fmt, ap);
	va_end(ap);
	fprintf(stderr, "hint: see 'aicr-evidence %s --help'\n",
		command ? command : "");
	return cmd_exit_code(CMD_USAGE);
}

void cmd_hint(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cmd_eline("hint: ", fmt, ap);
	va_end(ap);
}

void cmd_output_init(cmd_output *o, const char *path)
{
	o->path = path;
	ae_buf_init(&o->buf, CMD_OUTPUT_MAX);
}

int cmd_output_write(cmd_output *o, const void *data, size_t len)
{
	return ae_buf_put(&o->buf, data, len, NULL);
}

int cmd_output_close(cmd_output *o, ae_err *err)
{
	int rc = 0;

	if (o->path == NULL || strcmp(o->path, "-") == 0) {
		if (o->buf.len > 0 &&
		    fwrite(o->buf.data, 1, o->buf.len, stdout) != o->buf.len)
			rc = ae_fail(err, AE_EIO, "write to stdout failed");
		if (fflush(stdout) != 0 && rc == 0)
			rc = ae_fail(err, AE_EIO, "write to stdout failed");
	} else {
		rc = ae_write_atomic(AT_FDCWD, o->path,
				     o->buf.data ? (const void *)o->buf.data
						 : "",
				     o->buf.len, 0644, err);
	}
	ae_buf_dispose(&o->buf);
	return rc;
}

cmd_outcome cmd_output_end(cmd_output *o, int rc, ae_err *err, const char *what)
{
	const char *path = o->path ? o->path : "stdout";

	if (rc == 0)
		rc = cmd_output_close(o, err);
	else
		ae_buf_dispose(&o->buf);
	if (rc == 0)
		return CMD_OK;
	cmd_error(what ? what : path, err);
	return cmd_outcome_from_rc(rc);
}

bool cmd_is_option(const char *arg)
{
	return arg[0] == '-' && arg[1] != '\0';
}

int cmd_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return 0;
		if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0)
			return 1;
	}
	return 0;
}

int cmd_switch_take(const cmd_switch *sw, const char *arg)
{
	for (; sw != NULL && sw->name != NULL; sw++) {
		if (strcmp(arg, sw->name) == 0) {
			*sw->on = true;
			return 1;
		}
	}
	return 0;
}

int cmd_flag_take(const cmd_flag *flags, int argc, char **argv, int *i)
{
	const char *a = argv[*i];

	for (const cmd_flag *f = flags; f != NULL && f->name != NULL; f++) {
		size_t n = strlen(f->name);
		if (strncmp(a, f->name, n) != 0)
			continue;
		if (a[n] == '=') {
			*f->value = a + n + 1;
			return 1;
		}
		if (a[n] != '\0')
			continue;
		if (*i + 1 >= argc)
			return -1;
		*f->value = argv[++*i];
		return 1;
	}
	return 0;
}

int cmd_args_parse(const char *command, int argc, char **argv,
		   const cmd_flag *flags, const char **pos, int max_pos,
		   int *npos_out)
{
	bool only_pos = false;
	int npos = 0, k;

	*npos_out = 0;
	for (int i = 1; i < argc; i++) {
		if (!only_pos && strcmp(argv[i], "--") == 0) {
			only_pos = true;
			continue;
		}
		if (!only_pos && cmd_is_option(argv[i])) {
			k = cmd_flag_take(flags, argc, argv, &i);
			if (k == 0)
				return cmd_usage_error(
					command, "%s: unknown option '%s'",
					command, argv[i]);
			if (k < 0)
				return cmd_usage_error(command,
						       "%s: %s needs a value",
						       command, argv[i]);
			continue;
		}
		if (npos >= max_pos)
			return cmd_usage_error(command,
					       "%s: unexpected argument '%s'",
					       command, argv[i]);
		pos[npos++] = argv[i];
	}
	*npos_out = npos;
	return 0;
}
