/* cmd/digest.c -- `aicr-evidence digest RECIPE`: the canonical recipe digest
 *
 * Prints the 64-hex digest that a v3 predicate records as recipe.digest
 * (SPEC §3, reference §5.6), so a reviewer can check a pointer's recipe
 * against the recipe file in the tree; the answer is
 * ev_recipe_digest_report's (evidence/recipe_digest.c).
 */
#include "cmd/cmd.h"
#include "evidence/evidence.h"

#include <fcntl.h>
#include <string.h>

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
	bool canonical = false;
	ae_err err = {0};
	ae_buf b, c;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (cmd_flag_take(valued, argc, argv, &i) > 0)
			continue;
		if (strcmp(argv[i], "--canonical") == 0) {
			canonical = true;
			continue;
		}
		if (cmd_is_option(argv[i]))
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
	if (rc == 0)
		rc = ev_recipe_digest_report(&c, b.data, b.len, type, profile,
					     canonical, &err);
	ae_buf_dispose(&b);
	if (rc < 0) {
		cmd_error(path, &err);
		return cmd_exit_code(cmd_outcome_from_rc(rc));
	}
	fwrite(c.data, 1, c.len, stdout);
	ae_buf_dispose(&c);
	return cmd_exit_code(CMD_OK);
}
