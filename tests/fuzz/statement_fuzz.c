/* tests/fuzz/statement_fuzz.c -- libFuzzer target for the statement and
 * predicate as verify reads them (reference §5.4, §9.2): the fuzz input is
 * written as statement.intoto.json next to a fixed, valid manifest and
 * recipe, and the whole verify runs (predicate-parse, inventory, report
 * rendering) without crashing or leaking. */
#include "evidence/evidence.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char fuzz_dir[64];

/* Plain write, no fsync: the file is rewritten for every input, and an
 * fsync per execution made this target run at ~70 inputs a second. */
static void statement_put(const char *name, const void *d, size_t n)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", fuzz_dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		abort();
	if (n > 0 && write(fd, d, n) != (ssize_t)n)
		abort();
	close(fd);
}

/* A minimal bundle: recipe.yaml and a manifest listing it. */
static void statement_setup(void)
{
	static const char recipe[] = "criteria: {service: eks}\n";
	char hex[AE_SHA256_HEX_LEN + 1], man[512];
	unsigned char sha[AE_SHA256_LEN];

	snprintf(fuzz_dir, sizeof(fuzz_dir), "/tmp/statement-fuzz-%d",
		 (int)getpid());
	mkdir(fuzz_dir, 0755);
	statement_put("recipe.yaml", recipe, sizeof(recipe) - 1);
	ae_sha256(sha, recipe, sizeof(recipe) - 1);
	ae_hex_encode(hex, sha, sizeof(sha));
	snprintf(man, sizeof(man),
		 "{\"schemaVersion\":\"1.0.0\",\"files\":[{\"path\":"
		 "\"recipe.yaml\",\"size\":%zu,\"sha256\":\"sha256:%s\"}]}",
		 sizeof(recipe) - 1, hex);
	statement_put("manifest.json", man, strlen(man));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	ev_verify_opts o = EV_VERIFY_OPTS_INIT;
	ev_verdict *v = NULL;
	ae_buf out;
	ae_err err = {0};

	if (!ready) {
		statement_setup();
		ready = 1;
	}
	statement_put("statement.intoto.json", data, size);
	o.dir = fuzz_dir;
	if (ev_evidence_verify(&v, &o, &err) != 0)
		return 0;
	if (ev_verdict_json(&out, v, &err) == 0)
		ae_buf_dispose(&out);
	if (ev_verdict_text(&out, v, &err) == 0)
		ae_buf_dispose(&out);
	ev_verdict_free(v);
	return 0;
}
