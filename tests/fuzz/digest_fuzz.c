/* tests/fuzz/digest_fuzz.c -- differential libFuzzer target: our recipe
 * canonical form against the reference's (Go's gopkg.in/yaml.v3)
 *
 * The second side is the Go oracle of tests/oracle/recipe_digest.go, run
 * once as a co-process (`-serve`) named by AE_DIGEST_ORACLE (`make
 * fuzz-digest` builds it and sets it). For every input and both digest
 * forms (v3: metadata.version dropped; v1/v2: kept):
 *
 * - when we accept the recipe, the oracle must accept it and give the same
 *   bytes (a recipe the reference digests differently is a bug);
 * - when we refuse it and the oracle accepts it, our reason must name one
 *   of the constructs we refuse on purpose (docs/formats.md); with
 *   AE_DIGEST_STRICT=1 any other refusal fails too (a YAML that libyaml
 *   and yaml.v3 read differently).
 *
 * Without AE_DIGEST_ORACLE the target runs one-sided (no crash, no leak,
 * no undefined behaviour), so `make fuzz` runs it like any other target.
 * Seeds in tests/fuzz/corpus/digest/.
 */
#include "evidence/evidence.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int to_oracle = -1, from_oracle = -1;
static bool oracle_tried;

static void oracle_start(void)
{
	const char *path = getenv("AE_DIGEST_ORACLE");
	int in[2], out[2];
	pid_t pid;

	oracle_tried = true;
	if (path == NULL || path[0] == '\0')
		return;
	if (pipe(in) != 0 || pipe(out) != 0)
		abort();
	pid = fork();
	if (pid < 0)
		abort();
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		execl(path, path, "-serve", (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	to_oracle = in[1];
	from_oracle = out[0];
	signal(SIGPIPE, SIG_IGN);
}

static void io_all(bool writing, int fd, void *p, size_t n)
{
	unsigned char *b = p;

	while (n > 0) {
		ssize_t k = writing ? write(fd, b, n) : read(fd, b, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			fprintf(stderr, "digest_fuzz: the oracle died\n");
			abort();
		}
		b += k;
		n -= (size_t)k;
	}
}

/* Asks the oracle; returns its status (0 accepted) and its bytes. */
static int oracle_ask(unsigned char **out, size_t *out_len, const uint8_t *data,
		      size_t size, bool keep_version)
{
	unsigned char hdr[5] = {keep_version ? 1 : 0, (unsigned char)(size >> 24),
				(unsigned char)(size >> 16),
				(unsigned char)(size >> 8), (unsigned char)size};
	unsigned char ans[5];
	size_t n;

	io_all(true, to_oracle, hdr, sizeof(hdr));
	io_all(true, to_oracle, (void *)data, size);
	io_all(false, from_oracle, ans, sizeof(ans));
	n = (size_t)ans[1] << 24 | (size_t)ans[2] << 16 | (size_t)ans[3] << 8 |
	    ans[4];
	*out = malloc(n + 1);
	if (*out == NULL)
		abort();
	io_all(false, from_oracle, *out, n);
	(*out)[n] = '\0';
	*out_len = n;
	return ans[0];
}

/* The refusals that are ours on purpose (docs/formats.md). */
static bool refusal_on_purpose(const char *msg)
{
	static const char *const why[] = {
		"anchors are not allowed", "aliases are not allowed",
		"merge keys", "not a scalar", "duplicate key",
		"more than one YAML document", "NUL", "nesting deeper",
		"YAML nodes", "recipe is empty", "text after the end",
		"a tag running into",
		/* bytes that are not YAML text refuse the whole file, even
		 * past the first document, where yaml.v3 stops reading */
		"control characters are not allowed", "UTF-8 octet",
		"invalid Unicode character", "byte order mark", "UTF-16",
		"inside a plain scalar in a flow", "ending in ':' inside a flow",
		"a tag running into", "the escape",
		/* yaml.v3 reads \' in double quotes, libyaml 0.2.5 not */
		"unknown escape character", NULL};

	for (size_t i = 0; why[i] != NULL; i++) {
		if (strstr(msg, why[i]) != NULL)
			return true;
	}
	return false;
}

static void dump(const char *what, const void *p, size_t n)
{
	fprintf(stderr, "---- %s (%zu bytes)\n", what, n);
	fwrite(p, 1, n, stderr);
	fprintf(stderr, "\n---- end\n");
}

static void one_form(const uint8_t *data, size_t size, bool keep_version)
{
	ae_buf ours;
	ae_err err = {0};
	unsigned char *theirs = NULL;
	size_t theirs_len = 0;
	int rc, status;

	rc = ev_recipe_canonical(&ours, data, size, !keep_version, &err);
	if (to_oracle < 0) {
		if (rc == 0)
			ae_buf_dispose(&ours);
		return;
	}
	status = oracle_ask(&theirs, &theirs_len, data, size, keep_version);
	if (rc == 0 && status != 0) {
		dump("we accept, the oracle refuses", theirs, theirs_len);
		abort();
	}
	if (rc == 0 && (ours.len != theirs_len ||
			memcmp(ours.data, theirs, theirs_len) != 0)) {
		dump("ours", ours.data, ours.len);
		dump("the oracle's", theirs, theirs_len);
		abort();
	}
	if (rc < 0 && status == 0 && !refusal_on_purpose(err.msg)) {
		const char *strict = getenv("AE_DIGEST_STRICT");
		if (strict != NULL && strcmp(strict, "1") == 0) {
			fprintf(stderr, "we refuse (%s), the oracle accepts\n",
				err.msg);
			abort();
		}
	}
	if (rc == 0)
		ae_buf_dispose(&ours);
	free(theirs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!oracle_tried)
		oracle_start();
	if (size > EV_RECIPE_MAX_BYTES)
		return 0;
	one_form(data, size, false);
	one_form(data, size, true);
	return 0;
}
