/* cmd/help.c -- `help`, --help, and the words the tool does not know
 *
 * The texts themselves are cmd/help/<name>.txt, one per command ("verify")
 * and subcommand ("trust-update"); the command list is aicr-evidence.txt,
 * and a block several commands share ("_registry-flags") is one file. The
 * Makefile turns them into build/cmd/help_text.c (cmd/help/gen.sh), which
 * defines cmd_help_text() and cmd_help_name(). The names are the registry
 * of commands and subcommands for "did you mean".
 */
#include "cmd/cmd.h"

#include <stdlib.h>
#include <string.h>

#define HELP_NAME_MAX  64
#define HELP_WORDS_MAX 256 /* the help texts: 28 today */

void cmd_help_print(FILE *f, const char *name)
{
	const char *t = cmd_help_text(name);

	if (t != NULL)
		fputs(t, f);
}

/* The help name of `command` `sub` ("trust-update"), or of `command`
 * alone when `sub` is NULL; 0, or -1 when it would not fit. */
static int help_name(char out[HELP_NAME_MAX], const char *command,
		     const char *sub)
{
	int n = sub ? snprintf(out, HELP_NAME_MAX, "%s-%s", command, sub)
		    : snprintf(out, HELP_NAME_MAX, "%s", command);

	return n < 0 || n >= HELP_NAME_MAX ? -1 : 0;
}

/* Is `name` a command (NULL `command`) or a subcommand of `command`?
 * Commands are the names without '-' (blocks start with '_'; the tool's
 * own text is "aicr-evidence"); a subcommand's name is "command-sub". */
static const char *help_word_of(const char *name, const char *command)
{
	size_t n;

	if (name[0] == '_')
		return NULL;
	if (command == NULL)
		return strchr(name, '-') == NULL ? name : NULL;
	n = strlen(command);
	if (strncmp(name, command, n) != 0 || name[n] != '-' ||
	    name[n + 1] == '\0')
		return NULL;
	return name + n + 1;
}

/* Does `command` have subcommands (help texts "command-sub")? */
static bool help_has_subcommands(const char *command)
{
	const char *name;

	for (size_t i = 0; (name = cmd_help_name(i)) != NULL; i++)
		if (help_word_of(name, command) != NULL)
			return true;
	return false;
}

/* Prints "hint: did you mean ...?" (ae_suggest) with the closest command
 * (NULL `command`) or subcommand of `command` to `word`. */
static void help_suggest(const char *command, const char *word)
{
	const char *cands[HELP_WORDS_MAX], *name, *w;
	char lead[HELP_NAME_MAX + 16];
	ae_buf b = AE_BUF_INIT(4096);
	size_t n = 0;

	for (size_t i = 0; (name = cmd_help_name(i)) != NULL; i++)
		if ((w = help_word_of(name, command)) != NULL &&
		    n < HELP_WORDS_MAX)
			cands[n++] = w;
	snprintf(lead, sizeof(lead), "aicr-evidence %s%s",
		 command ? command : "", command ? " " : "");
	if (ae_suggest(&b, word, cands, n, lead, NULL) == 1)
		fprintf(stderr, "hint: %s\n", (const char *)b.data);
	ae_buf_dispose(&b);
}

int cmd_unknown_command(const char *command, const char *word)
{
	cmd_esc_set e = {0};

	if (command == NULL)
		fprintf(stderr, "aicr-evidence: unknown command '%s'\n",
			cmd_esc(&e, word));
	else
		fprintf(stderr, "aicr-evidence: unknown %s subcommand '%s'\n",
			command, cmd_esc(&e, word));
	cmd_esc_free(&e);
	help_suggest(command, word);
	fprintf(stderr, "hint: see 'aicr-evidence %s%shelp'\n",
		command ? command : "", command ? " --" : "");
	return cmd_exit_code(CMD_USAGE);
}

int cmd_help_show(const char *command, const char *sub)
{
	char name[HELP_NAME_MAX];

	if (sub != NULL && help_name(name, command, sub) == 0 &&
	    cmd_help_text(name) != NULL) {
		cmd_help_print(stdout, name);
		return cmd_exit_code(CMD_OK);
	}
	cmd_help_print(stdout, command);
	return cmd_exit_code(CMD_OK);
}

int cmd_help(int argc, char **argv)
{
	const char *command, *sub;
	char name[HELP_NAME_MAX];

	if (argc > 3)
		return cmd_usage_error("help", "help takes a command and a "
					       "subcommand at most");
	if (argc < 2) {
		cmd_help_print(stdout, "aicr-evidence");
		return cmd_exit_code(CMD_OK);
	}
	command = argv[1];
	sub = argc > 2 ? argv[2] : NULL;
	if (help_word_of(command, NULL) == NULL ||
	    cmd_help_text(command) == NULL)
		return cmd_unknown_command(NULL, command);
	if (sub == NULL)
		return cmd_help_show(command, NULL);
	if (!help_has_subcommands(command))
		return cmd_usage_error("help", "%s has no subcommand '%s'",
				       command, sub);
	if (help_name(name, command, sub) < 0 || cmd_help_text(name) == NULL)
		return cmd_unknown_command(command, sub);
	return cmd_help_show(command, sub);
}
