/* evidence/sigstore/checkpoint.c -- C2SP signed-note checkpoints
 *
 * A checkpoint (C2SP tlog-checkpoint) is a signed note (C2SP signed-note):
 * body lines origin, tree size, base64 root hash, optional extension lines,
 * a blank line, then "— <name> <base64(key id || signature)>" lines
 * (sigstore.md §5.3). The log signs the body including its final newline.
 * Only lines whose name and 4-byte key hint both point at the log found by
 * the entry's logId count; witness cosignatures and unknown keys are
 * ignored, but a line from the log's own key that fails rejects the note.
 */
#include "evidence/sigstore/internal.h"

#include <stdlib.h>
#include <string.h>

#define EM_DASH_SP "\xe2\x80\x94 " /* U+2014 + space starts a sig line */

void ev__checkpoint_free(ev__checkpoint *cp)
{
	if (cp == NULL)
		return;
	for (size_t i = 0; i < cp->nsigs; i++) {
		free(cp->sigs[i].name);
		free(cp->sigs[i].sig);
	}
	free(cp->sigs);
	free(cp->origin);
	free(cp->text);
	free(cp);
}

/* Length of the line at p (up to '\n' or end). */
static size_t line_len(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	return nl ? (size_t)(nl - p) : (size_t)(end - p);
}

/* A tree size: 1..18 decimal digits, no sign. */
static bool size_parse(int64_t *out, const char *p, size_t n)
{
	*out = 0;
	if (n == 0 || n > 18)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		*out = *out * 10 + (p[i] - '0');
	}
	return true;
}

/* Parses origin, size and root hash from the signed text. */
static int body_parse(ev__checkpoint *cp, const char *p, const char *end,
		      ae_err *err)
{
	unsigned char *h = NULL;
	size_t n = line_len(p, end), hl = 0;

	if (n == 0 || p + n >= end)
		return ae_fail(err, AE_EINVAL, "checkpoint has no origin line");
	cp->origin = strndup(p, n);
	if (cp->origin == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	p += n + 1;
	n = line_len(p, end);
	if (p + n >= end || !size_parse(&cp->size, p, n))
		return ae_fail(err, AE_EINVAL,
			       "checkpoint has no tree size line");
	p += n + 1;
	n = line_len(p, end);
	if (p + n >= end || ae_base64_decode(&h, &hl, p, n, NULL) < 0)
		return ae_fail(err, AE_EINVAL,
			       "checkpoint has no root hash line");
	if (hl != 32) {
		free(h);
		return ae_fail(err, AE_EINVAL,
			       "checkpoint root hash is %zu bytes", hl);
	}
	memcpy(cp->root, h, 32);
	free(h);
	return 0;
}

/* Parses one "— name base64" line into cp->sigs[cp->nsigs]. */
static int sig_line_parse(ev__checkpoint *cp, const char *p, size_t n,
			  ae_err *err)
{
	size_t dl = strlen(EM_DASH_SP), name_len, bl = 0;
	const char *name, *sp;
	unsigned char *blob = NULL;
	ev__note_sig *s;

	if (cp->nsigs >= EV__CHECKPOINT_MAX_SIGS)
		return ae_fail(err, AE_ETOOBIG,
			       "checkpoint has over %d signatures",
			       EV__CHECKPOINT_MAX_SIGS);
	if (n < dl || memcmp(p, EM_DASH_SP, dl) != 0)
		return ae_fail(err, AE_EINVAL,
			       "checkpoint signature line lacks the em dash");
	name = p + dl;
	sp = memchr(name, ' ', n - dl);
	if (sp == NULL || sp == name)
		return ae_fail(err, AE_EINVAL,
			       "checkpoint signature line has no key name");
	name_len = (size_t)(sp - name);
	if (ae_base64_decode(&blob, &bl, sp + 1, n - dl - name_len - 1, NULL) <
		    0 ||
	    bl <= 4) {
		free(blob);
		return ae_fail(err, AE_EINVAL,
			       "checkpoint signature is not base64 of key id "
			       "and signature");
	}
	s = &cp->sigs[cp->nsigs];
	s->name = strndup(name, name_len);
	s->sig = malloc(bl - 4);
	if (s->name == NULL || s->sig == NULL) {
		free(s->name);
		free(s->sig);
		free(blob);
		return ae_fail(err, AE_ERR, "out of memory");
	}
	memcpy(s->key_id, blob, 4);
	memcpy(s->sig, blob + 4, bl - 4);
	s->sig_len = bl - 4;
	cp->nsigs++;
	free(blob);
	return 0;
}

/* Parses the signature block: one or more lines, each ended by '\n'. */
static int sigs_parse(ev__checkpoint *cp, const char *p, const char *end,
		      ae_err *err)
{
	int rc;

	cp->sigs = calloc(EV__CHECKPOINT_MAX_SIGS, sizeof(*cp->sigs));
	if (cp->sigs == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	while (p < end) {
		size_t n = line_len(p, end);
		if (p + n >= end)
			return ae_fail(err, AE_EINVAL,
				       "checkpoint signature line is not "
				       "newline-terminated");
		rc = sig_line_parse(cp, p, n, err);
		if (rc < 0)
			return rc;
		p += n + 1;
	}
	if (cp->nsigs == 0)
		return ae_fail(err, AE_EINVAL, "checkpoint has no signature");
	return 0;
}

int ev__checkpoint_parse(ev__checkpoint **out, const char *note, size_t len,
			 ae_err *err)
{
	ev__checkpoint *cp = NULL;
	const char *sep = NULL;
	int rc;

	*out = NULL;
	if (len > EV__CHECKPOINT_MAX_BYTES)
		return ae_fail(err, AE_ETOOBIG,
			       "checkpoint is %zu bytes, cap %u", len,
			       EV__CHECKPOINT_MAX_BYTES);
	if (ae_has_nul(note, len))
		return ae_fail(err, AE_EINVAL, "checkpoint contains a NUL");
	/* C2SP: the signature block starts after the last blank line. */
	for (size_t i = len; i >= 2; i--)
		if (note[i - 2] == '\n' && note[i - 1] == '\n') {
			sep = note + i - 2;
			break;
		}
	if (sep == NULL)
		return ae_fail(
			err, AE_EINVAL,
			"checkpoint has no blank line before signatures");
	cp = calloc(1, sizeof(*cp));
	if (cp == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	cp->text_len = (size_t)(sep - note) + 1;
	cp->text = strndup(note, cp->text_len);
	if (cp->text == NULL) {
		rc = ae_fail(err, AE_ERR, "out of memory");
		goto done;
	}
	rc = body_parse(cp, note, note + cp->text_len, err);
	if (rc == 0)
		rc = sigs_parse(cp, sep + 2, note + len, err);
	if (rc < 0)
		goto done;
	*out = cp;
	cp = NULL;
done:
	ev__checkpoint_free(cp);
	return rc;
}

/* True iff the origin line names `log`: the host itself (Rekor v2) or
 * "<host> - <tree id>" (Rekor v1, sigstore.md §5.3). */
static bool origin_matches(const char *origin, const ev__log *log)
{
	size_t n = strlen(log->origin);

	if (strcmp(origin, log->origin) == 0)
		return true;
	return strncmp(origin, log->origin, n) == 0 &&
	       strncmp(origin + n, " - ", 3) == 0 && origin[n + 3] != '\0';
}

int ev__checkpoint_verify(const ev__checkpoint *cp, const ev__log *log,
			  ae_err *err)
{
	char rb[AE_REPR_BUF];
	EVP_PKEY *key = NULL;
	size_t tried = 0;
	int rc;

	if (!origin_matches(cp->origin, log))
		return ae_fail(
			err, AE_EVERIFY,
			"checkpoint origin %s is not the log %s",
			ae_repr(rb, sizeof(rb), cp->origin, strlen(cp->origin)),
			log->origin);
	for (size_t i = 0; i < cp->nsigs; i++) {
		const ev__note_sig *s = &cp->sigs[i];
		if (strcmp(s->name, log->origin) != 0 ||
		    memcmp(s->key_id, log->log_id, 4) != 0)
			continue; /* a witness or another key: not ours */
		tried++;
		rc = ev__log_key(&key, log, err);
		if (rc < 0)
			return rc;
		if (!ev__pkey_verify(key, (const unsigned char *)cp->text,
				     cp->text_len, s->sig, s->sig_len))
			return ae_fail(err, AE_EVERIFY,
				       "checkpoint signature by the log does "
				       "not verify");
	}
	if (tried == 0)
		return ae_fail(err, AE_EVERIFY,
			       "checkpoint has no signature from the log's "
			       "key (name %s, key hint %02x%02x%02x%02x)",
			       log->origin, log->log_id[0], log->log_id[1],
			       log->log_id[2], log->log_id[3]);
	return 0;
}

int ev_checkpoint_check(const char *note, size_t len, uint64_t size,
			const unsigned char root[32], ae_err *err)
{
	ev__checkpoint *cp = NULL;
	int rc = ev__checkpoint_parse(&cp, note, len, err);

	if (rc < 0)
		return rc;
	if (cp->size < 0 || (uint64_t)cp->size != size)
		rc = ae_fail(err, AE_EVERIFY,
			     "checkpoint size %lld differs from the proof's "
			     "tree size %llu",
			     (long long)cp->size, (unsigned long long)size);
	else if (memcmp(cp->root, root, 32) != 0)
		rc = ae_fail(err, AE_EVERIFY,
			     "checkpoint root hash differs from the proof's");
	ev__checkpoint_free(cp);
	return rc;
}
