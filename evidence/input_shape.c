/* evidence/input_shape.c -- what an input document looks like
 *
 * `emit --recipe snapshot.yaml --snapshot recipe.yaml` used to succeed: the
 * recipe reader and the snapshot reader are lenient about keys they do not
 * use, so each swapped file parsed. Each input is now judged by its
 * top-level keys before it is used, and a file that is plainly another
 * kind of document is refused with what it looks like. The judgement is
 * on the keys only (kind, criteria, measurements, results, ...): the
 * readers still check the content.
 */
#include "evidence/internal.h"

#include <stdio.h>
#include <string.h>

/* Top-level keys that tell the documents of this tool apart. */
static const char *const shape_keys[EV__SHAPE_NKEYS] = {
	"criteria", "componentRefs", "measurements", "fingerprint",
	"results",  "attestations",  "firstParty",   "community",
	"_type",    "mediaType",     "apiVersion",
};

const char *ev__shape_key(size_t i)
{
	return i < EV__SHAPE_NKEYS ? shape_keys[i] : NULL;
}

static bool shape_has(const ev__shape *s, const char *key)
{
	for (size_t i = 0; i < EV__SHAPE_NKEYS; i++)
		if (strcmp(shape_keys[i], key) == 0)
			return s->has[i];
	return false;
}

ev__shape_is ev__shape_classify(const ev__shape *s)
{
	if (!s->is_map)
		return EV__SHAPE_NOT_A_MAP;
	if (strncmp(s->kind, "Recipe", 6) == 0)
		return EV__SHAPE_RECIPE;
	if (strcmp(s->kind, "Snapshot") == 0)
		return EV__SHAPE_SNAPSHOT;
	if (s->kind[0] != '\0' || s->kind_not_scalar)
		return EV__SHAPE_OTHER;
	if (shape_has(s, "criteria") || shape_has(s, "componentRefs"))
		return EV__SHAPE_RECIPE;
	if (shape_has(s, "measurements") || shape_has(s, "fingerprint"))
		return EV__SHAPE_SNAPSHOT;
	if (shape_has(s, "results"))
		return EV__SHAPE_CTRF;
	if (shape_has(s, "attestations"))
		return EV__SHAPE_POINTER;
	if (shape_has(s, "firstParty") || shape_has(s, "community"))
		return EV__SHAPE_ALLOWLIST;
	if (shape_has(s, "_type"))
		return EV__SHAPE_STATEMENT;
	if (shape_has(s, "mediaType"))
		return EV__SHAPE_SIGSTORE_BUNDLE;
	return EV__SHAPE_UNKNOWN;
}

const char *ev__shape_describe(char *buf, size_t n, const ev__shape *s)
{
	char r[AE_REPR_BUF];

	switch (ev__shape_classify(s)) {
	case EV__SHAPE_NOT_A_MAP:
		snprintf(buf, n, "no mapping at the top");
		break;
	case EV__SHAPE_RECIPE:
		if (s->kind[0] != '\0')
			snprintf(buf, n, "a recipe (kind: %s)",
				 ae_repr(r, sizeof(r), s->kind,
					 strlen(s->kind)));
		else
			snprintf(buf, n, "a recipe (criteria, componentRefs)");
		break;
	case EV__SHAPE_SNAPSHOT:
		snprintf(buf, n, "a snapshot (%s)",
			 s->kind[0] ? "kind: Snapshot" : "measurements");
		break;
	case EV__SHAPE_CTRF:
		snprintf(buf, n, "a CTRF report (results)");
		break;
	case EV__SHAPE_POINTER:
		snprintf(buf, n, "a ledger pointer (attestations)");
		break;
	case EV__SHAPE_ALLOWLIST:
		snprintf(buf, n, "an allowlist (firstParty, community)");
		break;
	case EV__SHAPE_STATEMENT:
		snprintf(buf, n, "an in-toto statement (_type)");
		break;
	case EV__SHAPE_SIGSTORE_BUNDLE:
		snprintf(buf, n, "a Sigstore bundle (mediaType)");
		break;
	case EV__SHAPE_OTHER:
		if (s->kind_not_scalar)
			snprintf(buf, n, "a document whose kind is no string");
		else
			snprintf(buf, n, "a document of kind %s",
				 ae_repr(r, sizeof(r), s->kind,
					 strlen(s->kind)));
		break;
	default:
		snprintf(buf, n, "none of the documents this tool reads");
		break;
	}
	return buf;
}

int ev__shape_want(const ev__shape *s, ev__shape_is want, const char *flag,
		   ae_err *err)
{
	static const char *const wanted[] = {
		[EV__SHAPE_RECIPE] = "a recipe (kind: RecipeResult)",
		[EV__SHAPE_SNAPSHOT] = "a snapshot (kind: Snapshot)",
		[EV__SHAPE_CTRF] = "a CTRF report (results.tests)",
	};
	char d[AE_REPR_BUF + 64];
	ev__shape_is is = ev__shape_classify(s);
	const char *swapped = "";

	if (is == want)
		return 0;
	if (is == EV__SHAPE_RECIPE)
		swapped = " (swapped with --recipe?)";
	else if (is == EV__SHAPE_SNAPSHOT)
		swapped = " (swapped with --snapshot?)";
	else if (is == EV__SHAPE_CTRF)
		swapped = " (swapped with --ctrf?)";
	return ae_fail(err, AE_EINVAL, "%s: looks like %s, not %s%s", flag,
		       ev__shape_describe(d, sizeof(d), s),
		       want < sizeof(wanted) / sizeof(wanted[0]) && wanted[want]
			       ? wanted[want]
			       : "the expected document",
		       swapped);
}

void ev__shape_of_yaml(ev__shape *out, const ae_yaml_node *root)
{
	const ae_yaml_node *k;

	memset(out, 0, sizeof(*out));
	out->is_map = root != NULL && root->kind == AE_YAML_MAP;
	if (!out->is_map)
		return;
	k = ae_yaml_map_get(root, "kind");
	if (k != NULL && k->kind == AE_YAML_SCALAR)
		snprintf(out->kind, sizeof(out->kind), "%s", k->scalar);
	else if (k != NULL)
		out->kind_not_scalar = true;
	for (size_t i = 0; i < EV__SHAPE_NKEYS; i++)
		out->has[i] = ae_yaml_map_get(root, shape_keys[i]) != NULL;
}
