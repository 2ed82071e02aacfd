/* cmd/allowlist.c -- `aicr-evidence allowlist check|classify`
 *
 * `check` validates the trust root and lists every problem as
 * `path: message` (SPEC §4, §5); `classify` says which class a signer
 * falls in. Only the allowlist file given (or the ledger's default) is
 * trusted -- never anything from the evidence under review (STYLE §3.9).
 */
#include "allowlist/allowlist.h"
#include "cmd/cmd.h"

#include <fcntl.h>
#include <string.h>

/* Reads the allowlist file; CMD_ERROR after printing why when it cannot
 * be read. */
static cmd_outcome allowlist_read(ae_buf *b, const char *path)
{
	ae_err err = {0};

	if (ae_read_file(b, AT_FDCWD, path, AL_MAX_BYTES, &err) < 0) {
		cmd_error(path, &err);
		return cmd_outcome_from_rc(err.code);
	}
	return CMD_OK;
}

/* `allowlist check [FILE]`. */
static int allowlist_check(int argc, char **argv)
{
	const char *format = "text", *outpath = NULL, *file = AL_DEFAULT_PATH;
	const cmd_flag flags[] = {
		{"--format", &format}, {"-o", &outpath}, {NULL, NULL}};
	ae_problems pr = AE_PROBLEMS_INIT;
	al_list *l = NULL;
	ae_err err = {0};
	cmd_output o;
	cmd_outcome oc;
	ae_buf b;
	int npos = 0, rc;

	rc = cmd_args_parse("allowlist check", argc, argv, flags, &file, 1,
			    &npos);
	if (rc != 0)
		return rc;
	if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0)
		return cmd_usage_error("allowlist", "allowlist check: --format "
						    "must be text or json");
	oc = allowlist_read(&b, file);
	if (oc != CMD_OK)
		return cmd_exit_code(oc);
	rc = al_list_check(&l, &pr, b.data, b.len, &err);
	ae_buf_dispose(&b);
	if (rc < 0) {
		cmd_error(file, &err);
		return cmd_exit_code(CMD_ERROR);
	}
	cmd_output_init(&o, outpath);
	rc = al_report_render(&o.buf, file, &pr, l, strcmp(format, "json") == 0,
			      &err);
	oc = cmd_output_end(&o, rc, &err, NULL);
	if (oc == CMD_OK && pr.n > 0)
		oc = CMD_FINDINGS;
	ae_problems_dispose(&pr);
	al_list_free(l);
	return cmd_exit_code(oc);
}

/* Longest identity --stdin reads (a certificate SAN is far shorter). */
#define ALLOWLIST_IDENTITY_MAX 65536

/* The options of `allowlist classify`. */
typedef struct classify_args {
	const char *issuer, *identity, *format, *file;
	bool batch, nul;
} classify_args;

/* Parses argv (cmd_flag_take); 0 or the usage exit status. */
static int classify_parse(classify_args *a, int argc, char **argv)
{
	const cmd_flag flags[] = {{"--issuer", &a->issuer},
				  {"--identity", &a->identity},
				  {"--allowlist", &a->file},
				  {"--format", &a->format},
				  {NULL, NULL}};
	const cmd_switch switches[] = {
		{"--stdin", &a->batch}, {"-z", &a->nul}, {NULL, NULL}};
	const char *c = "allowlist";
	bool only_pos = false;

	for (int i = 1; i < argc; i++) {
		int k = only_pos ? 0 : cmd_flag_take(flags, argc, argv, &i);
		if (k < 0)
			return cmd_usage_error(c,
					       "allowlist classify: %s needs "
					       "a value",
					       argv[i]);
		if (k > 0 || (!only_pos && cmd_switch_take(switches, argv[i])))
			continue;
		if (!only_pos && strcmp(argv[i], "--") == 0)
			only_pos = true;
		else
			return cmd_usage_error(
				c, "allowlist classify: %s '%s'",
				!only_pos && cmd_is_option(argv[i])
					? "unknown option"
					: "unexpected argument",
				argv[i]);
	}
	if (a->issuer == NULL || !a->issuer[0] ||
	    (!a->batch && (a->identity == NULL || !a->identity[0])))
		return cmd_usage_error(c, "allowlist classify: --issuer and "
					  "--identity (or --stdin) are "
					  "required and non-empty");
	if (a->batch && a->identity != NULL)
		return cmd_usage_error(c, "allowlist classify: --stdin "
					  "replaces --identity");
	if (a->nul && !a->batch)
		return cmd_usage_error(c, "allowlist classify: -z goes with "
					  "--stdin");
	if (strcmp(a->format, "text") != 0 && strcmp(a->format, "json") != 0)
		return cmd_usage_error(c, "allowlist classify: --format must "
					  "be text or json");
	if (a->batch && strcmp(a->format, "json") == 0)
		return cmd_usage_error(c, "allowlist classify: --stdin prints "
					  "text");
	if (strcmp(a->format, "json") == 0 &&
	    (!ae_utf8_valid(a->issuer, strlen(a->issuer)) ||
	     !ae_utf8_valid(a->identity, strlen(a->identity))))
		return cmd_usage_error(c, "allowlist classify: --format json "
					  "needs --issuer and --identity in "
					  "UTF-8");
	return 0;
}

/* Reads one record of stdin, up to `delim` (or EOF), into `buf`: its
 * length, -1 at EOF before any byte, -2 when it does not fit. */
static long classify_read(char *buf, size_t bufsz, int delim)
{
	size_t n = 0;
	int ch;

	while ((ch = getchar()) != EOF && ch != delim) {
		if (n + 1 >= bufsz)
			return -2;
		buf[n++] = (char)ch;
	}
	if (ch == EOF && n == 0)
		return -1;
	buf[n] = '\0';
	return (long)n;
}

/* `--stdin`: classifies each identity read; one text line (or
 * NUL-terminated record) out per record in. */
static cmd_outcome classify_batch(const al_list *l, const classify_args *a)
{
	static char id[ALLOWLIST_IDENTITY_MAX + 1];
	ae_buf line = AE_BUF_INIT(16u << 20);
	int delim = a->nul ? '\0' : '\n';
	cmd_outcome oc = CMD_OK;
	const char *label = NULL;
	ae_err err = {0};
	al_class cls = AL_CLASS_NONE;
	long n;

	for (size_t rec = 1; (n = classify_read(id, sizeof(id), delim)) != -1;
	     rec++) {
		if (n == -2 || (size_t)n != strlen(id))
			ae_fail(&err, AE_EINVAL, "record %zu: %s", rec,
				n == -2 ? "identity longer than 65536 bytes"
					: "NUL inside a line (use -z)");
		else if (al_list_classify(&cls, &label, l, a->issuer, id,
					  &err) == 0 &&
			 al_class_render_text(&line, cls, label, (char)delim,
					      &err) == 0)
			fwrite(line.data, 1, line.len, stdout);
		ae_buf_dispose(&line);
		if (err.code != 0) {
			cmd_error("allowlist classify --stdin", &err);
			return CMD_ERROR;
		}
		if (cls == AL_CLASS_NONE)
			oc = CMD_FINDINGS;
	}
	if (ferror(stdin)) {
		ae_fail(&err, AE_EIO, "read failed");
		cmd_error("stdin", &err);
		return CMD_ERROR;
	}
	return oc;
}

/* `allowlist classify --issuer I (--identity ID | --stdin [-z])
 * [--allowlist FILE] [--format text|json]`. */
static int allowlist_classify(int argc, char **argv)
{
	classify_args a = {.format = "text", .file = AL_DEFAULT_PATH};
	ae_buf out = AE_BUF_INIT(16u << 20);
	const char *label = NULL;
	al_class cls = AL_CLASS_NONE;
	al_list *l = NULL;
	ae_err err = {0};
	cmd_outcome oc = CMD_OK;
	int rc;

	rc = classify_parse(&a, argc, argv);
	if (rc != 0)
		return rc;
	if (al_list_load(&l, AT_FDCWD, a.file, &err) < 0) {
		cmd_error(a.file, &err);
		cmd_hint("run 'aicr-evidence allowlist check %s'", a.file);
		return cmd_exit_code(cmd_outcome_from_rc(err.code));
	}
	if (a.batch) {
		oc = classify_batch(l, &a);
	} else {
		rc = al_list_classify(&cls, &label, l, a.issuer, a.identity,
				      &err);
		if (rc == 0)
			rc = strcmp(a.format, "json") == 0
				     ? al_class_render_json(&out, a.issuer,
							    a.identity, cls,
							    label, NULL)
				     : al_class_render_text(&out, cls, label,
							    '\n', NULL);
		if (rc == 0)
			fwrite(out.data, 1, out.len, stdout);
		ae_buf_dispose(&out);
		if (rc < 0) {
			ae_fail(&err, AE_ERR, "out of memory");
			cmd_error("allowlist classify", &err);
			oc = CMD_ERROR;
		} else if (cls == AL_CLASS_NONE) {
			oc = CMD_FINDINGS;
		}
	}
	if (fflush(stdout) != 0 && oc != CMD_ERROR)
		oc = CMD_ERROR;
	al_list_free(l);
	return cmd_exit_code(oc);
}

int cmd_allowlist(int argc, char **argv)
{
	if (argc < 2) {
		cmd_help_print(stderr, "allowlist");
		return cmd_exit_code(CMD_USAGE);
	}
	if (strcmp(argv[1], "check") == 0)
		return allowlist_check(argc - 1, argv + 1);
	if (strcmp(argv[1], "classify") == 0)
		return allowlist_classify(argc - 1, argv + 1);
	return cmd_unknown_command("allowlist", argv[1]);
}
