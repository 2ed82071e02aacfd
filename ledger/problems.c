/* ledger/problems.c -- the list of a pointer's problems
 *
 * A leaf: the pointer reader (pointer.c) and its rules (pointer_rules.c)
 * both add to the list, naming the fields the same way, and neither
 * uses the other for it.
 */
#include "ledger/internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const ld__pointer_field_names[PF_COUNT] = {
	"pointer",
	"schemaVersion",
	"recipe",
	"profile",
	"attestations",
	"attestations[0]",
	"attestations[0].bundle",
	"attestations[0].bundle.oci",
	"attestations[0].bundle.digest",
	"attestations[0].bundle.predicateType",
	"attestations[0].signer",
	"attestations[0].signer.identity",
	"attestations[0].signer.issuer",
	"attestations[0].signer.rekorLogIndex",
	"attestations[0].attestedAt",
};

void ld_problems_dispose(ld_problems *p)
{
	if (p == NULL)
		return;
	for (size_t i = p->n; i-- > 0;)
		free(p->v[i].msg);
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

/* Appends "line N: <field>: <why>" to `pr`. AE_ERR on out of memory (the
 * list is unchanged then); 0 otherwise. */
int ld__problem_add(ld_problems *pr, int code, size_t line, const char *field,
		    const char *fmt, ...)
{
	char why[AE_ERR_MSG_MAX * 2], msg[AE_ERR_MSG_MAX * 3];
	ld_problem *v;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (line > 0)
		snprintf(msg, sizeof(msg), "line %zu: %s: %s", line, field,
			 why);
	else
		snprintf(msg, sizeof(msg), "%s: %s", field, why);
	v = realloc(pr->v, (pr->n + 1) * sizeof(*v));
	if (v == NULL)
		return AE_ERR;
	pr->v = v;
	v[pr->n].msg = strdup(msg);
	if (v[pr->n].msg == NULL)
		return AE_ERR;
	v[pr->n].code = code;
	v[pr->n].line = line;
	pr->n++;
	return 0;
}
