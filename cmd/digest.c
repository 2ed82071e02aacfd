/* cmd/digest.c -- `aicr-evidence digest RECIPE`: the canonical recipe digest
 *
 * Prints the 64-hex digest that a v3 predicate records as recipe.digest
 * (SPEC §3, reference §5.6), so a reviewer can check a pointer's recipe
 * against the recipe file in the tree.
 */
#include "cmd/cmd.h"
#include "evidence/evidence.h"

#include <fcntl.h>
#include <string.h>

/* --profile: the reference hydrates an overlay with the selection; a
 * generated recipe has it baked in already ("already baked"), so here it
 * must be the one the recipe carries. */
static int digest_check_profile(const char *profile, const unsigned char *buf,
				size_t len, ae_err *err)
{
	ev_recipe_id id;
	int rc = ev_recipe_identify(&id, buf, len, err);

	if (rc < 0)
		return rc;
	if (!id.profiled)
		return ae_fail(err, AE_EINVAL,
			       "--profile %s: the recipe selects no profile "
			       "(give the recipe generated with that profile)",
			       profile);
	if (strcmp(id.selection, profile) != 0)
		return ae_fail(err, AE_EINVAL,
			       "--profile %s: the recipe was generated with "
			       "profile %s (already baked)",
			       profile, id.selection);
	return 0;
}

int cmd_digest(int argc, char **argv)
{
	const char *path = NULL, *recipe_flag = NULL, *type = EV_PREDICATE_V3;
	const char *profile = NULL;
	const cmd_flag valued[] = {
		{"--predicate-type", &type},
		{"--profile", &profile},
		{"-r", &recipe_flag},
		{"--recipe", &recipe_flag},
		{NULL, NULL},
	};
	char hex[AE_SHA256_HEX_LEN + 1];
	bool canonical = false;
	ae_err err = {0};
	ae_buf b, c = AE_BUF_INIT(1);
	int rc;

	if (cmd_wants_help(argc, argv)) {
		cmd_help_print(stdout, "digest");
		return cmd_exit_code(CMD_OK);
	}
	for (int i = 1; i < argc; i++) {
		if (cmd_flag_take(valued, argc, argv, &i) > 0)
			continue;
		if (strcmp(argv[i], "--canonical") == 0) {
			canonical = true;
			continue;
		}
		if (argv[i][0] == '-' && argv[i][1] != '\0')
			return cmd_usage_error("digest", "unknown option '%s'",
					       argv[i]);
		if (path != NULL)
			return cmd_usage_error("digest",
					       "digest takes one recipe");
		path = argv[i];
	}
	/* -r/--recipe names the recipe as the positional argument does: one
	 * of the two. */
	if (path != NULL && recipe_flag != NULL)
		return cmd_usage_error("digest", "digest takes one recipe");
	if (path == NULL)
		path = recipe_flag;
	if (path == NULL)
		return cmd_usage_error("digest", "digest needs a recipe file");
	if (profile != NULL) {
		char pn[EV_PROFILE_PART_MAX + 1], pv[EV_PROFILE_PART_MAX + 1];
		if (!ev_profile_selection_parse(pn, pv, profile))
			return cmd_usage_error("digest",
					       "--profile must be NAME=VALUE, "
					       "each [A-Za-z0-9._-]+");
	}
	rc = ae_read_file(&b, AT_FDCWD, path, EV_RECIPE_MAX_BYTES, &err);
	if (rc == 0 && profile != NULL)
		rc = digest_check_profile(profile, b.data, b.len, &err);
	if (rc == 0 && canonical)
		rc = ev_recipe_canonical_for(&c, b.data, b.len, type, &err);
	else if (rc == 0)
		rc = ev_recipe_digest(hex, b.data, b.len, type, &err);
	ae_buf_dispose(&b);
	if (rc < 0) {
		cmd_error(path, &err);
		return cmd_exit_code(cmd_outcome_from_rc(rc));
	}
	if (canonical)
		fwrite(c.data, 1, c.len, stdout);
	else
		printf("%s\n", hex);
	ae_buf_dispose(&c);
	return cmd_exit_code(CMD_OK);
}
