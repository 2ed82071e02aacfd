/* evidence/core/units.c -- durations people type, transfers people watch
 *
 * The one duration syntax of every time flag (--timeout, --fetch-timeout,
 * --deadline, --oidc-timeout: docs/cli.md), the counts of --workers, and
 * the one progress bar of a registry transfer, rendered into a buffer
 * (cmd/ draws it on stderr).
 */
#include "evidence/core/ae.h"

#include <stdio.h>
#include <string.h>

#define BAR_MIN_BYTES (1u << 20) /* smaller transfers draw no bar */
#define BAR_EVERY_MS  100	 /* at most 10 redraws a second */

int ae_count_parse(unsigned *out, const char *s, unsigned max)
{
	uint64_t v = 0; /* at most 10 * max + 9: no wrap */

	if (*s == '\0')
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > max)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if (v == 0 || v > max)
		return -1;
	*out = (unsigned)v;
	return 0;
}

int ae_duration_parse(uint64_t *ms_out, const char *s, uint64_t max_s)
{
	static const struct {
		const char *unit;
		uint64_t ms;
	} units[] = {{"ms", 1},
		     {"s", 1000},
		     {"m", 60000},
		     {"h", 3600000},
		     {"", 1000}};
	uint64_t v = 0;
	const char *p = s;

	*ms_out = 0;
	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (uint64_t)(*p - '0');
		if (v > max_s)
			return -1;
	}
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcmp(p, units[i].unit) == 0) {
			*ms_out = v * units[i].ms;
			return *ms_out / 1000 > max_s ? -1 : 0;
		}
	return -1;
}

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

int ae_bar_render(ae_buf *out, ae_bar *b, const char *what, uint64_t done,
		  uint64_t total, int64_t now)
{
	double rate, secs;
	char eta[32] = "-:--";
	int pct, bars;

	if (total <= BAR_MIN_BYTES || done > total)
		return 0;
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
	if (pct == b->last_pct ||
	    (done != total && now - b->last_ms < BAR_EVERY_MS))
		return 0;
	b->last_pct = pct;
	b->last_ms = now;
	bars = pct / 4;
	secs = (double)(now - b->start_ms) / 1000.0;
	rate = secs > 0.05 ? (double)done / secs : 0.0;
	if (done == total)
		bar_eta(eta, sizeof(eta), secs);
	else if (rate > 0)
		bar_eta(eta, sizeof(eta), (double)(total - done) / rate);
	return ae_buf_printf(out, NULL,
			     "\r%.19s [%.*s%*s] %3d%% %.1f/%.1f MiB %.1f "
			     "MiB/s %s %s\033[K%s",
			     what, bars, "#########################", 25 - bars,
			     "", pct, (double)done / 1048576.0,
			     (double)total / 1048576.0, rate / 1048576.0,
			     done == total ? "in" : "ETA", eta,
			     done == total ? "\n" : "") < 0
		       ? 0
		       : 1;
}

int ae_meter_render(ae_buf *out, ae_meter *m, size_t done, size_t total,
		    const char *host, int64_t now, bool force)
{
	char h[sizeof(m->host)];
	size_t i = 0;

	m->done = done;
	m->total = total;
	/* a registry name, printable and short */
	for (; host != NULL && host[i] && i < sizeof(h) - 1; i++)
		h[i] = host[i] > 0x20 && host[i] < 0x7f ? host[i] : '?';
	h[i] = '\0';
	memcpy(m->host, h, i + 1);
	if (!force && m->drawn && (total == 0 || done != total) &&
	    now - m->last_ms < BAR_EVERY_MS)
		return 0;
	if (ae_buf_printf(out, NULL, "\r%s: %zu/%zu %s%s%s\033[K", m->what,
			  m->done, m->total, m->unit, m->host[0] ? "  " : "",
			  m->host) < 0)
		return 0;
	m->drawn = true;
	m->last_ms = now;
	return 1;
}
