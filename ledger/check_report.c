/* ledger/check_report.c -- the list of findings a contract check returns
 *
 * A report is plain result data: problems (each a rule broken at a path),
 * notes for the reviewer (allowlist entries added or removed, pointers rule
 * 4 could not decide), and counts. Workers fill reports of their own, each
 * problem tagged with the index of the file it concerns; the checker merges
 * them and sorts by that index so the output follows path order whatever
 * the threads did (deterministic output for CI logs and tests).
 */
#include "ledger/internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct report_item {
	ld_finding pub;
	size_t order; /* index of the entry the problem belongs to */
	size_t seq;   /* insertion order, to keep the sort stable */
	char *mem;    /* one block: path, rule, message */
} report_item;

typedef struct report_list {
	report_item *v;
	size_t n;
	size_t alloc;
} report_list;

struct ld_report {
	report_list problems;
	report_list notes;
	size_t seq;
	size_t changes;
	size_t pointers;
	bool transient;
	bool undecided;
	char base[GIT_OID_HEXSZ + 1];
	char head[GIT_OID_HEXSZ + 1];
	const char *merge; /* static: ld__merge_name */
	size_t merge_bases;
};

int ld_report_new(ld_report **out, ae_err *err)
{
	ld_report *r;

	AE_ASSERT_ARG(out != NULL, err);
	*out = NULL;
	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	*out = r;
	return 0;
}

static void list_dispose(report_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].mem);
	free(l->v);
	l->v = NULL;
	l->n = l->alloc = 0;
}

void ld_report_free(ld_report *r)
{
	if (r == NULL)
		return;
	list_dispose(&r->problems);
	list_dispose(&r->notes);
	free(r);
}

/* Makes room for one more item; the list is unchanged on failure. */
static int list_grow(report_list *l, ae_err *err)
{
	report_item *v;
	size_t alloc;

	if (l->n >= LD_REPORT_MAX_PROBLEMS)
		return ae_fail(err, AE_ETOOBIG,
			       "report holds %zu problems, cap %u", l->n,
			       LD_REPORT_MAX_PROBLEMS);
	if (l->n < l->alloc)
		return 0;
	alloc = l->alloc ? l->alloc * 2 : 16;
	v = realloc(l->v, alloc * sizeof(*v));
	if (v == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	l->v = v;
	l->alloc = alloc;
	return 0;
}

/* Formats the message and appends one item to `l`. The message is cut to
 * one line: a newline from any source would forge a `path: message` line. */
static int list_addv(ld_report *r, report_list *l, size_t order,
		     const char *path, const char *rule, ae_err *err,
		     const char *fmt, va_list ap)
	__attribute__((format(printf, 7, 0)));

static int list_addv(ld_report *r, report_list *l, size_t order,
		     const char *path, const char *rule, ae_err *err,
		     const char *fmt, va_list ap)
{
	char msg[1024];
	size_t plen, rlen, mlen;
	report_item *it;
	int rc;

	AE_ASSERT_ARG(r != NULL && path != NULL && rule != NULL, err);
	rc = list_grow(l, err);
	if (rc < 0)
		return rc;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	for (char *p = msg; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	plen = strlen(path);
	rlen = strlen(rule);
	mlen = strlen(msg);
	it = &l->v[l->n];
	it->mem = malloc(plen + rlen + mlen + 3);
	if (it->mem == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	memcpy(it->mem, path, plen + 1);
	memcpy(it->mem + plen + 1, rule, rlen + 1);
	memcpy(it->mem + plen + rlen + 2, msg, mlen + 1);
	it->pub.path = it->mem;
	it->pub.rule = it->mem + plen + 1;
	it->pub.message = it->mem + plen + rlen + 2;
	it->order = order;
	it->seq = r->seq++;
	l->n++;
	return 0;
}

int ld_report_add(ld_report *r, const char *path, const char *rule, ae_err *err,
		  const char *fmt, ...)
{
	va_list ap;
	int rc;

	AE_ASSERT_ARG(r != NULL, err);
	va_start(ap, fmt);
	rc = list_addv(r, &r->problems, SIZE_MAX, path, rule, err, fmt, ap);
	va_end(ap);
	return rc;
}

int ld__report_add_at(ld_report *r, size_t order, const char *path,
		      const char *rule, ae_err *err, const char *fmt, ...)
{
	va_list ap;
	int rc;

	AE_ASSERT_ARG(r != NULL, err);
	va_start(ap, fmt);
	rc = list_addv(r, &r->problems, order, path, rule, err, fmt, ap);
	va_end(ap);
	return rc;
}

int ld_report_note(ld_report *r, const char *path, const char *rule,
		   ae_err *err, const char *fmt, ...)
{
	va_list ap;
	int rc;

	AE_ASSERT_ARG(r != NULL, err);
	va_start(ap, fmt);
	rc = list_addv(r, &r->notes, SIZE_MAX, path, rule, err, fmt, ap);
	va_end(ap);
	return rc;
}

int ld__report_note_at(ld_report *r, size_t order, const char *path,
		       const char *rule, ae_err *err, const char *fmt, ...)
{
	va_list ap;
	int rc;

	AE_ASSERT_ARG(r != NULL, err);
	va_start(ap, fmt);
	rc = list_addv(r, &r->notes, order, path, rule, err, fmt, ap);
	va_end(ap);
	return rc;
}

/* Moves every item of `from` to the end of `into`; on failure nothing has
 * moved. */
static int list_merge(report_list *into, report_list *from, ae_err *err)
{
	report_item *v;
	size_t need;

	if (from->n == 0)
		return 0;
	if (__builtin_add_overflow(into->n, from->n, &need) ||
	    need > LD_REPORT_MAX_PROBLEMS)
		return ae_fail(err, AE_ETOOBIG,
			       "report holds more than %u problems",
			       LD_REPORT_MAX_PROBLEMS);
	if (need > into->alloc) {
		v = realloc(into->v, need * sizeof(*v));
		if (v == NULL)
			return ae_fail(err, AE_ERR, "out of memory");
		into->v = v;
		into->alloc = need;
	}
	memcpy(into->v + into->n, from->v, from->n * sizeof(*v));
	into->n = need;
	free(from->v);
	from->v = NULL;
	from->n = from->alloc = 0;
	return 0;
}

int ld__report_merge(ld_report *into, ld_report *from, ae_err *err)
{
	int rc;

	AE_ASSERT_ARG(into != NULL && from != NULL, err);
	rc = list_merge(&into->problems, &from->problems, err);
	if (rc == 0)
		rc = list_merge(&into->notes, &from->notes, err);
	if (from->transient)
		into->transient = true;
	if (from->undecided)
		into->undecided = true;
	return rc;
}

static int item_cmp(const void *a, const void *b)
{
	const report_item *x = a, *y = b;

	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return 0;
}

void ld__report_sort(ld_report *r)
{
	if (r == NULL)
		return;
	if (r->problems.n > 1)
		qsort(r->problems.v, r->problems.n, sizeof(report_item),
		      item_cmp);
	if (r->notes.n > 1)
		qsort(r->notes.v, r->notes.n, sizeof(report_item), item_cmp);
}

void ld__report_set_counts(ld_report *r, size_t changes, size_t pointers)
{
	r->changes = changes;
	r->pointers = pointers;
}

void ld__report_set_transient(ld_report *r)
{
	r->transient = true;
}

int ld__report_set_revs(ld_report *r, const char *base, const char *head,
			ae_err *err)
{
	AE_ASSERT_ARG(r != NULL && base != NULL && head != NULL, err);
	if (strlen(base) > GIT_OID_HEXSZ || strlen(head) > GIT_OID_HEXSZ)
		return ae_fail(err, AE_ERR, "object id longer than %d",
			       GIT_OID_HEXSZ);
	snprintf(r->base, sizeof(r->base), "%s", base);
	snprintf(r->head, sizeof(r->head), "%s", head);
	return 0;
}

size_t ld_report_count(const ld_report *r)
{
	return r ? r->problems.n : 0;
}

const ld_finding *ld_report_get(const ld_report *r, size_t i)
{
	return r && i < r->problems.n ? &r->problems.v[i].pub : NULL;
}

size_t ld_report_note_count(const ld_report *r)
{
	return r ? r->notes.n : 0;
}

const ld_finding *ld_report_note_get(const ld_report *r, size_t i)
{
	return r && i < r->notes.n ? &r->notes.v[i].pub : NULL;
}

size_t ld_report_changes(const ld_report *r)
{
	return r ? r->changes : 0;
}

size_t ld_report_pointers(const ld_report *r)
{
	return r ? r->pointers : 0;
}

bool ld_report_transient(const ld_report *r)
{
	return r ? r->transient : false;
}

void ld__report_set_undecided(ld_report *r)
{
	r->undecided = true;
}

bool ld_report_undecided(const ld_report *r)
{
	return r ? r->undecided : false;
}

ld_fetch_class ld_fetch_classify(int rc, long http_status)
{
	switch (rc) {
	case AE_ETRANSIENT:
		return LD_FETCH_TRANSIENT;
	case AE_ENOTFOUND: /* 404, or absent from the offline cache */
	case AE_EVERIFY:   /* bytes that are not the digest's */
	case AE_ETOOBIG:   /* a manifest or layer over its cap */
		return LD_FETCH_FINDING;
	case AE_EINVAL:
		/* After a 2xx the content itself was malformed; without an
		 * answer the transport failed (TLS, plain HTTP met); any other
		 * status is one the registry protocol does not allow here. */
		return http_status >= 200 && http_status < 300
			       ? LD_FETCH_FINDING
			       : LD_FETCH_UNDECIDED;
	default: /* AE_EAUTH, AE_EIO, AE_ERR */
		return LD_FETCH_UNDECIDED;
	}
}

void ld__report_set_merge(ld_report *r, const char *kind, size_t n_bases)
{
	r->merge = kind;
	r->merge_bases = n_bases;
}

const char *ld_report_merge(const ld_report *r)
{
	return r && r->merge ? r->merge : "";
}

size_t ld_report_merge_bases(const ld_report *r)
{
	return r ? r->merge_bases : 0;
}

const char *ld_report_base(const ld_report *r)
{
	return r ? r->base : "";
}

const char *ld_report_head(const ld_report *r)
{
	return r ? r->head : "";
}
