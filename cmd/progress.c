/* cmd/progress.c -- the progress line of the long silent runs
 *
 * `ledger --verify` and `check --verify-signatures` fetch and verify one
 * bundle after another for many seconds. On a terminal (stderr a TTY, no
 * --quiet) they show "what: n/N <unit>  host" on stderr, redrawn in place
 * at most every CMD_METER_MS and once more at the end, whose line is then
 * ended; nothing at all otherwise. The counts come from the worker pools
 * below cmd/ through an ld_progress, which hands them to cmd_meter_draw
 * one call at a time (cmd/ has no thread code). An interrupt ends the
 * line (cmd_progress_end, through cmd_progress_open).
 */
#include "cmd/cmd.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define CMD_METER_MS 100 /* at most 10 redraws a second */

static void meter_print(cmd_meter *m)
{
	cmd_progress_open = 1; /* before the bytes: an interrupt may come */
	fprintf(stderr, "\r%s: %zu/%zu %s%s%s\033[K", m->what, m->done,
		m->total, m->unit, m->host[0] ? "  " : "", m->host);
	fflush(stderr);
	m->drawn = true;
	m->last_ms = ae_clock_ms();
}

/* An ld_progress_draw_fn: called serialised (ledger/progress.c). */
static void meter_draw(void *ctx, size_t done, size_t total, const char *host)
{
	cmd_meter *m = ctx;
	size_t i = 0;

	m->done = done;
	m->total = total;
	/* a registry name, printable and short */
	for (; host != NULL && host[i] && i < sizeof(m->host) - 1; i++)
		m->host[i] = host[i] > 0x20 && host[i] < 0x7f ? host[i] : '?';
	m->host[i] = '\0';
	if (!m->drawn || (total > 0 && done == total) ||
	    ae_clock_ms() - m->last_ms >= CMD_METER_MS)
		meter_print(m);
}

void cmd_meter_init(cmd_meter *m, const char *what, const char *unit,
		    bool quiet)
{
	ae_err err = {0};

	memset(m, 0, sizeof(*m));
	m->what = what;
	m->unit = unit;
	if (!quiet && isatty(STDERR_FILENO))
		(void)ld_progress_new(&m->lp, meter_draw, m, &err);
}

void cmd_meter_end(cmd_meter *m)
{
	if (m->lp != NULL && m->drawn) {
		meter_print(m);
		cmd_progress_end();
	}
	ld_progress_free(m->lp);
	m->lp = NULL;
	m->drawn = false;
}
