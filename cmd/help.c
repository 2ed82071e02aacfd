/* cmd/help.c -- printing the help texts
 *
 * The texts themselves are cmd/help/<name>.txt, one per command and
 * subcommand (the blocks several commands share, once each): the Makefile
 * turns them into build/cmd/help_text.c (cmd/help/gen.sh), which defines
 * cmd_help_text().
 */
#include "cmd/cmd.h"

void cmd_help_print(FILE *f, const char *name)
{
	const char *t = cmd_help_text(name);

	if (t != NULL)
		fputs(t, f);
}
