/* evidence/core/problems.c -- the problems of a file a person wrote
 *
 * The pointer and allowlist loaders report every broken rule, not only the
 * first (SPEC §5), as a list of (code, line, message). One list type and
 * one way to add to it and to turn it into an error, for both.
 */
#include "evidence/core/ae.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ae_problems_dispose(ae_problems *pr)
{
	if (pr == NULL)
		return;
	for (size_t i = pr->n; i-- > 0;)
		free(pr->v[i].msg);
	free(pr->v);
	pr->v = NULL;
	pr->n = 0;
}

int ae_problem_add(ae_problems *pr, int code, size_t line, const char *where,
		   const char *fmt, ...)
{
	char why[AE_ERR_MSG_MAX * 2], msg[AE_ERR_MSG_MAX * 3];
	ae_problem *v;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (line > 0)
		snprintf(msg, sizeof(msg), "line %zu: %s: %s", line, where,
			 why);
	else
		snprintf(msg, sizeof(msg), "%s: %s", where, why);
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

int ae_problems_fail(const ae_problems *pr, ae_err *err)
{
	if (pr->n == 0)
		return 0;
	if (pr->n == 1)
		return ae_fail(err, pr->v[0].code, "%s", pr->v[0].msg);
	return ae_fail(err, pr->v[0].code, "%s (+%zu more)", pr->v[0].msg,
		       pr->n - 1);
}
