/* cmd/progress.c -- the progress line of the long silent runs
 *
 * `ledger --verify` and `check --verify-signatures` fetch and verify one
 * bundle after another for many seconds. On a terminal (stderr a TTY, no
 * --quiet) they show "what: n/N <unit>  host" on stderr (ae_meter_render:
 * redrawn in place at most every 100 ms and once more at the end, whose
 * line is then ended); nothing at all otherwise. The counts come from the
 * worker pools below cmd/ through an ld_progress, which hands them to
 * meter_draw one call at a time (cmd/ has no thread code). An interrupt
 * ends the line (cmd_progress_end, through cmd_progress_open).
 */
#include "cmd/cmd.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void meter_print(cmd_meter *m, size_t done, size_t total,
			const char *host, bool force)
{
	ae_buf line = AE_BUF_INIT(512);

	if (ae_meter_render(&line, &m->m, done, total, host, ae_clock_ms(),
			    force) == 1) {
		cmd_progress_open = 1; /* before the bytes: an interrupt may
					  come */
		fputs((const char *)line.data, stderr);
		fflush(stderr);
	}
	ae_buf_dispose(&line);
}

/* An ld_progress_draw_fn: called serialised (ledger/progress.c). */
static void meter_draw(void *ctx, size_t done, size_t total, const char *host)
{
	meter_print(ctx, done, total, host, false);
}

void cmd_meter_init(cmd_meter *m, const char *what, const char *unit,
		    bool quiet)
{
	ae_err err = {0};

	memset(m, 0, sizeof(*m));
	m->m.what = what;
	m->m.unit = unit;
	if (!quiet && isatty(STDERR_FILENO))
		(void)ld_progress_new(&m->lp, meter_draw, m, &err);
}

void cmd_meter_end(cmd_meter *m)
{
	if (m->lp != NULL && m->m.drawn) {
		meter_print(m, m->m.done, m->m.total, m->m.host, true);
		cmd_progress_end();
	}
	ld_progress_free(m->lp);
	m->lp = NULL;
	m->m.drawn = false;
}
