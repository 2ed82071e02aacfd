/* cmd/progress.c -- the progress line of the long silent runs
 *
 * `ledger --verify` and `check --verify-signatures` fetch and verify one
 * bundle after another for many seconds. On a terminal (stderr a TTY, no
 * --quiet) they show "what: n/N <unit>  host" on stderr, redrawn in place
 * at most every CMD_METER_MS and once more at the end, whose line is then
 * ended; nothing at all otherwise. The counts come from the worker pools
 * below cmd/ (ld_progress_fn, ld_host_fn), called from worker threads: a
 * mutex serialises the drawing. An interrupt ends the line
 * (cmd_progress_end, through cmd_progress_open).
 */
#include "cmd/cmd.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define CMD_METER_MS 100 /* at most 10 redraws a second */

void cmd_meter_init(cmd_meter *m, const char *what, const char *unit,
		    bool quiet)
{
	memset(m, 0, sizeof(*m));
	m->what = what;
	m->unit = unit;
	m->on = !quiet && isatty(STDERR_FILENO);
	pthread_mutex_init(&m->mu, NULL);
}

/* Draws the line; mu held. */
static void meter_draw(cmd_meter *m)
{
	cmd_progress_open = 1; /* before the bytes: an interrupt may come */
	fprintf(stderr, "\r%s: %zu/%zu %s%s%.60s\033[K", m->what, m->done,
		m->total, m->unit, m->host[0] ? "  " : "", m->host);
	fflush(stderr);
	m->drawn = true;
	m->last_ms = ae_clock_ms();
}

void cmd_meter_count(void *ctx, size_t done, size_t total)
{
	cmd_meter *m = ctx;

	if (!m->on)
		return;
	pthread_mutex_lock(&m->mu);
	if (done > m->done)
		m->done = done;
	m->total = total;
	if (!m->drawn || m->done == m->total ||
	    ae_clock_ms() - m->last_ms >= CMD_METER_MS)
		meter_draw(m);
	pthread_mutex_unlock(&m->mu);
}

void cmd_meter_host(void *ctx, const char *host)
{
	cmd_meter *m = ctx;

	if (!m->on || host == NULL)
		return;
	pthread_mutex_lock(&m->mu);
	snprintf(m->host, sizeof(m->host), "%s", host);
	for (char *c = m->host; *c; c++) /* a registry name, printable */
		if (*c < 0x21 || *c > 0x7e)
			*c = '?';
	if (!m->drawn || ae_clock_ms() - m->last_ms >= CMD_METER_MS)
		meter_draw(m);
	pthread_mutex_unlock(&m->mu);
}

void cmd_meter_end(cmd_meter *m)
{
	pthread_mutex_lock(&m->mu);
	if (m->on && m->drawn) {
		meter_draw(m);
		cmd_progress_end();
	}
	m->drawn = false;
	pthread_mutex_unlock(&m->mu);
	pthread_mutex_destroy(&m->mu);
}
