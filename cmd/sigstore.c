/* cmd/sigstore.c -- `sigstore <verb>`: the sigstore-conformance protocol
 *
 * The conformance suite drives a client as `ENTRYPOINT verify-bundle ...`
 * or `ENTRYPOINT sign-bundle ...` (sigstore-conformance.md §1); with
 * ENTRYPOINT = `aicr-evidence sigstore` this table picks the verb.
 */
#include "cmd/cmd.h"

#include <string.h>

typedef struct sigstore_verb {
	const char *name;
	int (*fn)(int argc, char **argv);
} sigstore_verb;

static const sigstore_verb sigstore_verbs[] = {
	{"sign-bundle", cmd_sigstore_sign_bundle},
	{"verify-bundle", cmd_sigstore_verify_bundle},
};

int cmd_sigstore(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0) {
		cmd_help_print(argc < 2 ? stderr : stdout, "sigstore");
		return cmd_exit_code(argc < 2 ? CMD_USAGE : CMD_OK);
	}
	for (size_t i = 0;
	     i < sizeof(sigstore_verbs) / sizeof(sigstore_verbs[0]); i++)
		if (strcmp(argv[1], sigstore_verbs[i].name) == 0)
			return sigstore_verbs[i].fn(argc - 1, argv + 1);
	return cmd_usage_error("sigstore", "unknown sigstore verb '%s'",
			       argv[1]);
}
