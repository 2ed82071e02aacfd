/* evidence/ctrf.c -- CTRF reports: find them, count them, write a phase
 *
 * A validation run leaves one or more CTRF reports per phase (reference
 * §6.3). emit takes files and directories, works out each report's phase,
 * counts its tests for the predicate, and writes one ctrf/<phase>.json per
 * phase. The counts come from the tests, never from a summary the report
 * claims (a summary that disagrees is refused), and every entry of a
 * directory is read or refused, never skipped (issue 24 items 1-2): the
 * published results are the tests that ran. Reports can be large (stdout of
 * every check), so the writer streams: one report is parsed at a time and
 * the output goes to the file in chunks, never held whole (SPEC §7 "memory
 * independent of bundle size").
 */
#include "evidence/internal.h"
#include "evidence/evidence.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CTRF_FLUSH     (64u << 10) /* sink buffer flushed past this many bytes */
#define CTRF_MAX_DEPTH 4	   /* directories below a --ctrf directory */

/* The statuses CTRF defines are ev__ctrf_counts (ctrf_count.c), in
 * summary order; anything else counts as "other" (CTRF: an unexpected
 * outcome; the reference buckets it as a failure, §4.4). */

void ev__ctrf_inputs_free(ev__ctrf_input *in, size_t n)
{
	for (size_t i = 0; in != NULL && i < n; i++)
		free(in[i].path);
	free(in);
}

/* The phase a file name says, -1 when none: `conformance.json`,
 * `conformance-2.json`, `conformance_x.JSON`. */
static int ctrf_phase_of_name(const char *name)
{
	char head[64];
	size_t n = strcspn(name, "-_.");

	if (n >= sizeof(head))
		return -1;
	memcpy(head, name, n);
	head[n] = '\0';
	return ev__phase_index(head);
}

/* True iff the name ends in ".json", in any case. */
static bool ctrf_is_json(const char *name)
{
	size_t n = strlen(name);

	return n > 5 && strcasecmp(name + n - 5, ".json") == 0;
}

/* A refusal naming the entry: "<path>: <why>". */
static int ctrf_refuse(const char *path, const char *why, ae_err *err)
{
	char r[AE_REPR_BUF];

	return ae_fail(err, AE_EINVAL, "%s: %s",
		       ae_repr(r, sizeof(r), path, strlen(path)), why);
}

/* Appends one input; the phase from the name, else from `dir_phase`; a
 * name and a directory that say two phases are refused. The same file
 * (device and inode) given again is listed once. */
static int ctrf_add(ev__ctrf_input **v, size_t *n, const char *path,
		    const char *base, int dir_phase, const struct stat *st,
		    ae_err *err)
{
	ev__ctrf_input *grown;
	char r[AE_REPR_BUF];
	int phase = ctrf_phase_of_name(base);

	if (phase >= 0 && dir_phase >= 0 && phase != dir_phase)
		return ae_fail(err, AE_EINVAL,
			       "%s: named for the %s phase but in a %s "
			       "directory",
			       ae_repr(r, sizeof(r), path, strlen(path)),
			       ev_phase_names[phase],
			       ev_phase_names[dir_phase]);
	if (phase < 0)
		phase = dir_phase;
	if (phase < 0)
		return ae_fail(err, AE_EINVAL,
			       "%s names no phase: call it <phase>.json or put "
			       "it in a <phase>/ directory (deployment, "
			       "performance, conformance)",
			       ae_repr(r, sizeof(r), path, strlen(path)));
	for (size_t i = 0; i < *n; i++) {
		if ((*v)[i].dev == st->st_dev && (*v)[i].ino == st->st_ino)
			return 0; /* overlapping arguments: counted once */
	}
	if (*n >= EV_CTRF_MAX_INPUTS)
		return ae_fail(err, AE_ETOOBIG, "more than %d CTRF reports",
			       EV_CTRF_MAX_INPUTS);
	grown = realloc(*v, (*n + 1) * sizeof(**v));
	if (grown == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	*v = grown;
	memset(&grown[*n], 0, sizeof(grown[*n]));
	grown[*n].path = strdup(path);
	if (grown[*n].path == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	grown[*n].phase = phase;
	grown[*n].dev = st->st_dev;
	grown[*n].ino = st->st_ino;
	(*n)++;
	return 0;
}

static int ctrf_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names of the entries of `dir` (all but "." and ".."). */
static int ctrf_list_dir(char ***names_out, size_t *n_out, const char *dir,
			 ae_err *err)
{
	char **names = NULL, **grown;
	size_t n = 0;
	DIR *d;
	struct dirent *e;
	int rc = 0;

	*names_out = NULL;
	*n_out = 0;
	d = opendir(dir);
	if (d == NULL)
		return ae_fail(err, AE_EIO, "open directory: %s",
			       strerror(errno));
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (n >= EV_CTRF_MAX_INPUTS * 4) {
			rc = ae_fail(err, AE_ETOOBIG,
				     "CTRF directory has over %d entries",
				     EV_CTRF_MAX_INPUTS * 4);
			break;
		}
		grown = realloc(names, (n + 1) * sizeof(*names));
		if (grown == NULL || (grown[n] = strdup(e->d_name)) == NULL) {
			names = grown ? grown : names;
			rc = ae_fail(err, AE_ERR, "out of memory");
			break;
		}
		names = grown;
		n++;
	}
	closedir(d);
	if (rc < 0) {
		for (size_t i = 0; i < n; i++)
			free(names[i]);
		free(names);
		return rc;
	}
	if (n > 1) /* names is NULL for an empty directory */
		qsort(names, n, sizeof(*names), ctrf_name_cmp);
	*names_out = names;
	*n_out = n;
	return 0;
}

static int ctrf_walk(ev__ctrf_input **v, size_t *n, const char *dir,
		     int dir_phase, int depth, ae_err *err);

/* One entry of a walked directory: read (a report, a directory walked) or
 * refused with its path -- never skipped (issue 24 item 2). */
static int ctrf_entry(ev__ctrf_input **v, size_t *n, const char *path,
		      const char *name, int dir_phase, int depth, ae_err *err)
{
	struct stat st;
	int phase;

	if (lstat(path, &st) != 0)
		return ctrf_refuse(path, strerror(errno), err);
	if (S_ISLNK(st.st_mode))
		return ctrf_refuse(path,
				   "a symlink (not followed): pass its "
				   "target as --ctrf",
				   err);
	if (S_ISREG(st.st_mode)) {
		if (!ctrf_is_json(name))
			return ctrf_refuse(path,
					   "not a CTRF report (*.json) "
					   "in a --ctrf directory",
					   err);
		return ctrf_add(v, n, path, name, dir_phase, &st, err);
	}
	if (!S_ISDIR(st.st_mode))
		return ctrf_refuse(path, "not a regular file or directory",
				   err);
	phase = ev__phase_index(name);
	if (phase >= 0 && dir_phase >= 0 && phase != dir_phase)
		return ctrf_refuse(path,
				   "a phase directory inside another "
				   "phase's directory",
				   err);
	if (phase < 0 && dir_phase < 0)
		return ctrf_refuse(path,
				   "a directory that names no phase "
				   "(deployment, performance, conformance)",
				   err);
	if (depth >= CTRF_MAX_DEPTH)
		return ctrf_refuse(path, "nested deeper than 4 directories",
				   err);
	return ctrf_walk(v, n, path, phase >= 0 ? phase : dir_phase, depth + 1,
			 err);
}

/* Reads every entry of `dir` (phase `dir_phase`, -1 when it names none). */
static int ctrf_walk(ev__ctrf_input **v, size_t *n, const char *dir,
		     int dir_phase, int depth, ae_err *err)
{
	char **names = NULL;
	size_t nn = 0;
	int rc;

	rc = ctrf_list_dir(&names, &nn, dir, err);
	for (size_t i = 0; rc == 0 && i < nn; i++) {
		char path[4096];
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
				     names[i]) >= sizeof(path))
			rc = ae_fail(err, AE_EINVAL, "CTRF path too long");
		else
			rc = ctrf_entry(v, n, path, names[i], dir_phase, depth,
					err);
	}
	for (size_t i = 0; i < nn; i++)
		free(names[i]);
	free(names);
	return rc;
}

int ev__ctrf_collect(ev__ctrf_input **out, size_t *n_out,
		     const char *const *paths, size_t npaths, ae_err *err)
{
	ev__ctrf_input *v = NULL;
	size_t n = 0;
	int rc = 0;

	*out = NULL;
	*n_out = 0;
	for (size_t i = 0; rc == 0 && i < npaths; i++) {
		struct stat st;
		const char *base = strrchr(paths[i], '/');
		char r[AE_REPR_BUF];
		base = base ? base + 1 : paths[i];
		/* An argument is followed (the user named it); what is found
		 * inside a directory is not. */
		if (stat(paths[i], &st) != 0)
			rc = ae_fail(err, AE_ENOTFOUND, "%s: %s",
				     ae_repr(r, sizeof(r), paths[i],
					     strlen(paths[i])),
				     strerror(errno));
		else if (S_ISDIR(st.st_mode))
			rc = ctrf_walk(&v, &n, paths[i], ev__phase_index(base),
				       0, err);
		else
			rc = ctrf_add(&v, &n, paths[i], base, -1, &st, err);
	}
	if (rc == 0 && n == 0) {
		char r[AE_REPR_BUF];
		rc = ae_fail(err, AE_EINVAL,
			     "no CTRF report (<phase>*.json) found in %s%s",
			     ae_repr(r, sizeof(r), paths[0], strlen(paths[0])),
			     npaths > 1 ? " and the other --ctrf paths" : "");
	}
	if (rc < 0) {
		ev__ctrf_inputs_free(v, n);
		return rc;
	}
	*out = v;
	*n_out = n;
	return 0;
}

/* ---- counting ---- */

/* The index in ev__ctrf_counts of a test's status: 1..5, unknown -> other. */
static int ctrf_status_index(const char *st)
{
	for (int i = 1; i < 6; i++) {
		if (strcmp(st, ev__ctrf_counts[i]) == 0)
			return i;
	}
	return 5;
}

/* The fields this tool counts or publishes, by object: ev__ctrf_read_*
 * (ctrf_count.c), which the streaming count reads too. */

/* AE_EINVAL when a key of `obj` (where = what it is) is spelled like one
 * of `names` without being it. Not an object: nothing to check. */
static int ctrf_spelled(const json_t *obj, const char *const *names,
			const char *where, ae_err *err)
{
	const char *key;
	json_t *v;
	char r[AE_REPR_BUF];

	if (!json_is_object(obj))
		return 0;
	json_object_foreach((json_t *)obj, key, v)
	{
		size_t len = strlen(key);
		(void)v;
		for (size_t i = 0; names[i] != NULL; i++) {
			if (strcmp(key, names[i]) != 0 &&
			    ev__key_folds_to(key, len, names[i]))
				return ae_fail(err, AE_EINVAL,
					       "%s: the key %s reads as \"%s\" "
					       "to the reference's reader: "
					       "refusing a report whose "
					       "fields can be read two ways",
					       where,
					       ae_repr(r, sizeof(r), key, len),
					       names[i]);
		}
	}
	return 0;
}

/* ev__json_one_reading for one object and what it holds. */
static int json_one_reading(const json_t *v, const char *const *known,
			    const char *const *maps, bool is_map,
			    const char *what, ae_err *err)
{
	const char *key;
	json_t *sub, *seen;
	char r[AE_REPR_BUF], r2[AE_REPR_BUF];
	int rc = 0;

	if (json_is_array(v)) {
		for (size_t i = 0; rc == 0 && i < json_array_size(v); i++)
			rc = json_one_reading(json_array_get(v, i), known, maps,
					      false, what, err);
		return rc;
	}
	if (!json_is_object(v))
		return 0;
	seen = json_object();
	if (seen == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	json_object_foreach((json_t *)v, key, sub)
	{
		size_t len = strlen(key);
		char *f = is_map ? NULL : malloc(len + 1);
		const json_t *was;
		bool sub_map = false;
		for (size_t i = 0; maps[i] != NULL; i++)
			sub_map = sub_map || strcmp(key, maps[i]) == 0;
		if (is_map) { /* keys are data: Go matches them exactly */
			rc = json_one_reading(sub, known, maps, false, what,
					      err);
			if (rc < 0)
				break;
			continue;
		}
		if (f == NULL) {
			rc = ae_fail(err, AE_ERR, "out of memory");
			break;
		}
		ev__key_fold(f, key, len);
		was = json_object_get(seen, f);
		for (size_t i = 0; was == NULL && known[i] != NULL; i++) {
			if (strcmp(key, known[i]) != 0 &&
			    ev__key_folds_to(key, len, known[i]))
				rc = ae_fail(err, AE_EINVAL,
					     "%s: the key %s reads as \"%s\" "
					     "to the reference's reader: "
					     "refusing a document whose "
					     "fields can be read two ways",
					     what,
					     ae_repr(r, sizeof(r), key, len),
					     known[i]);
		}
		if (rc == 0 && was != NULL)
			rc = ae_fail(err, AE_EINVAL,
				     "%s: the keys %s and %s are one field to "
				     "the reference's reader: refusing a "
				     "document whose fields can be read two "
				     "ways",
				     what,
				     ae_repr(r, sizeof(r),
					     json_string_value(was),
					     json_string_length(was)),
				     ae_repr(r2, sizeof(r2), key, len));
		if (rc == 0 && json_object_set_new_nocheck(
				       seen, f, json_stringn(key, len)) != 0)
			rc = ae_fail(err, AE_ERR, "out of memory");
		free(f);
		if (rc == 0)
			rc = json_one_reading(sub, known, maps, sub_map, what,
					      err);
		if (rc < 0)
			break;
	}
	json_decref(seen);
	return rc;
}

int ev__json_one_reading(const void *doc, const char *const *known,
			 const char *const *maps, const char *what, ae_err *err)
{
	return json_one_reading(doc, known, maps, false, what, err);
}

/* ctrf_spelled over every object whose fields are counted or published. */
static int ctrf_spelling(const json_t *report, ae_err *err)
{
	const json_t *res = json_object_get(report, "results");
	const json_t *tests = json_object_get(res, "tests");
	int rc = ctrf_spelled(report, ev__ctrf_read_root, "the report", err);

	if (rc == 0)
		rc = ctrf_spelled(res, ev__ctrf_read_results, "results", err);
	if (rc == 0)
		rc = ctrf_spelled(json_object_get(res, "tool"),
				  ev__ctrf_read_tool, "results.tool", err);
	if (rc == 0)
		rc = ctrf_spelled(json_object_get(res, "summary"),
				  ev__ctrf_read_summary, "results.summary",
				  err);
	for (size_t i = 0; rc == 0 && i < json_array_size(tests); i++) {
		const json_t *t = json_array_get(tests, i);
		rc = ctrf_spelled(t, ev__ctrf_read_test, "a test", err);
		if (rc == 0)
			rc = ctrf_spelled(json_object_get(t, "extra"),
					  ev__ctrf_read_extra, "a test's extra",
					  err);
		if (rc == 0)
			rc = ctrf_spelled(
				json_object_get(t, "runtimeProvenance"),
				ev__ctrf_read_prov,
				"a test's runtimeProvenance", err);
	}
	return rc;
}

/* Counts the tests of a report (checked to be CTRF) into c[0..5]. */
static int ctrf_tally(int64_t c[6], const json_t *report, ae_err *err)
{
	const json_t *res = json_object_get(report, "results");
	const json_t *tests = json_object_get(res, "tests");
	const json_t *fmt = json_object_get(report, "reportFormat");
	const json_t *img =
		json_object_get(json_object_get(res, "tool"), "image");
	int rc;

	memset(c, 0, 6 * sizeof(*c));
	rc = ctrf_spelling(report, err);
	if (rc < 0)
		return rc;
	if (!json_is_object(report) || !json_is_object(res) ||
	    !json_is_array(tests))
		return ae_fail(err, AE_EINVAL,
			       "not a CTRF report (no results.tests array)");
	if (img != NULL && !json_is_string(img))
		return ae_fail(err, AE_EINVAL,
			       "results.tool.image is not a string");
	if (fmt != NULL && (!json_is_string(fmt) ||
			    strcmp(json_string_value(fmt), "CTRF") != 0))
		return ae_fail(err, AE_EINVAL,
			       "not a CTRF report (reportFormat is not "
			       "\"CTRF\")");
	for (size_t i = 0; i < json_array_size(tests); i++) {
		const json_t *t = json_array_get(tests, i);
		const char *st =
			json_string_value(json_object_get(t, "status"));
		if (!json_is_object(t) ||
		    !json_is_string(json_object_get(t, "name")) || st == NULL)
			return ae_fail(err, AE_EINVAL,
				       "CTRF test %zu has no name or status",
				       i);
		c[ctrf_status_index(st)]++;
	}
	c[0] = (int64_t)json_array_size(tests);
	return 0;
}

/* A summary, when there is one, must say what the tests say: each count
 * absent reads as 0 (the reference's decoder reads it so), a count is a
 * non-negative integer, and it equals the tests' (issue 24 item 1). */
static int ctrf_summary_agrees(const json_t *report, const int64_t c[6],
			       ae_err *err)
{
	const json_t *sum =
		json_object_get(json_object_get(report, "results"), "summary");

	if (sum == NULL)
		return 0;
	if (!json_is_object(sum))
		return ae_fail(err, AE_EINVAL, "CTRF summary is not an object");
	for (int i = 0; i < 6; i++) {
		const json_t *v = json_object_get(sum, ev__ctrf_counts[i]);
		int64_t said = 0;
		if (v != NULL &&
		    (!json_is_integer(v) || json_integer_value(v) < 0))
			return ae_fail(err, AE_EINVAL,
				       "CTRF summary.%s is not a count",
				       ev__ctrf_counts[i]);
		if (v != NULL)
			said = json_integer_value(v);
		if (said != c[i])
			return ae_fail(err, AE_EINVAL,
				       "the summary says %lld %s, the tests "
				       "%lld: refusing a summary that "
				       "disagrees with its tests",
				       (long long)said, ev__ctrf_counts[i],
				       (long long)c[i]);
	}
	return 0;
}

/* Adds c[1..5] to `ph`, checked against overflow (a phase sums at most
 * EV_CTRF_MAX_INPUTS reports of EV_CTRF_MAX_BYTES, far below INT64_MAX,
 * but the sum is checked rather than argued). */
static int ctrf_add_counts(ev__phase *ph, const int64_t c[6], ae_err *err)
{
	int64_t *dst[5] = {&ph->passed, &ph->failed, &ph->skipped, &ph->pending,
			   &ph->other};

	for (int i = 0; i < 5; i++) {
		if (__builtin_add_overflow(*dst[i], c[i + 1], dst[i]))
			return ae_fail(err, AE_EINVAL, "CTRF counts overflow");
	}
	ph->present = true;
	return 0;
}

int ev__ctrf_count(ev__phase *ph, const void *report, ae_err *err)
{
	int64_t c[6];
	int rc = ctrf_tally(c, report, err);

	if (rc == 0)
		rc = ctrf_summary_agrees(report, c, err);
	if (rc == 0)
		rc = ctrf_add_counts(ph, c, err);
	return rc;
}

int ev__ctrf_recount(ev__phase *out, const unsigned char *buf, size_t len,
		     ae_err *err)
{
	json_t *rep = NULL;
	int64_t c[6];
	int rc;

	memset(out, 0, sizeof(*out));
	rc = ae_json_parse((void **)&rep, buf, len, err);
	if (rc == 0)
		rc = ctrf_tally(c, rep, err);
	if (rc == 0)
		rc = ctrf_summary_agrees(rep, c, err);
	if (rc == 0)
		rc = ctrf_add_counts(out, c, err);
	json_decref(rep);
	return rc;
}

/* Minimal policy: every test name publishable and, where the catalog or
 * the recipe names the phase's checks, one of them (issue 24 item 3). */
static int ctrf_names_check(const json_t *report, int phase,
			    const ev__checks *known, ae_err *err)
{
	const json_t *tests =
		json_object_get(json_object_get(report, "results"), "tests");
	char r[AE_REPR_BUF];

	for (size_t i = 0; i < json_array_size(tests); i++) {
		const char *name = json_string_value(
			json_object_get(json_array_get(tests, i), "name"));
		if (name == NULL)
			return ae_fail(err, AE_EINVAL,
				       "CTRF test %zu has no name or status",
				       i);
		if (!ev__value_ok(EV__V_TEST_NAME, name))
			return ae_fail(
				err, AE_EINVAL,
				"test %zu: name %s is not publishable "
				"(1-128 of [A-Za-z0-9._/-], alphanumeric "
				"at both ends)",
				i, ae_repr(r, sizeof(r), name, strlen(name)));
		if (known != NULL && ev__checks_refuse(known, phase, name))
			return ae_fail(
				err, AE_EINVAL,
				"test %zu: %s is not a check the "
				"validator catalog or the recipe names "
				"for the %s phase",
				i, ae_repr(r, sizeof(r), name, strlen(name)),
				ev_phase_names[phase]);
	}
	return 0;
}

/* Appends the validator image the report names (results.tool.image). */
static int ctrf_image(void *images, const json_t *report, ae_err *err)
{
	const json_t *img = json_object_get(
		json_object_get(json_object_get(report, "results"), "tool"),
		"image");

	if (img != NULL && !json_is_string(img))
		return ae_fail(err, AE_EINVAL,
			       "results.tool.image is not a string");
	if (img != NULL && json_string_length(img) > 0 &&
	    json_array_append(images, (json_t *)img) != 0)
		return ae_fail(err, AE_ERR, "out of memory");
	return 0;
}

/* A file given as CTRF that is not: says what it looks like instead (a
 * recipe or snapshot passed to --ctrf), when it reads as YAML at all. */
static int ctrf_not_ctrf(int rc, const ae_buf *b, ae_err *err)
{
	ae_yaml_node *root = NULL;
	ev__shape shape;
	ae_err none = {0};

	if (rc != AE_EINVAL || ae_yaml_parse(&root, b->data, b->len, &none) < 0)
		return rc;
	ev__shape_of_yaml(&shape, root);
	ae_yaml_free(root);
	if (ev__shape_classify(&shape) == EV__SHAPE_CTRF)
		return rc;
	ae_err_clear(err);
	return ev__shape_want(&shape, EV__SHAPE_CTRF, "--ctrf", err);
}

int ev__ctrf_scan(ev__ctrf_input *in, size_t i, ev__phase *phases, void *images,
		  const ev__checks *known, ev_redaction policy, ae_err *err)
{
	json_t *root = NULL;
	ae_buf b;
	int rc;

	rc = ae_read_file(&b, AT_FDCWD, in[i].path, EV_CTRF_MAX_BYTES, err);
	if (rc < 0)
		return rc;
	ae_sha256(in[i].sha256, b.data ? b.data : (const unsigned char *)"",
		  b.len);
	for (size_t j = 0; j < i; j++) {
		/* A copy is a copy within one phase: the same bytes in two
		 * phases are two phases that ran, each keeps its report. */
		if (!in[j].dup && in[j].phase == in[i].phase &&
		    memcmp(in[j].sha256, in[i].sha256, AE_SHA256_LEN) == 0) {
			in[i].dup = true; /* the same report twice */
			ae_buf_dispose(&b);
			return 0;
		}
	}
	rc = ae_json_parse((void **)&root, b.data, b.len, err);
	if (rc == 0)
		rc = ev__ctrf_count(&phases[in[i].phase], root, err);
	if (rc < 0)
		rc = ctrf_not_ctrf(rc, &b, err);
	ae_buf_dispose(&b);
	if (rc == 0 && policy == EV_REDACT_MINIMAL)
		rc = ctrf_names_check(root, in[i].phase, known, err);
	if (rc == 0)
		rc = ctrf_image(images, root, err);
	json_decref(root);
	return rc;
}

/* ---- streaming writer ---- */

/* Output goes to `fd`, or, with fd < 0, stays in `buf` (ev_ctrf_redact). */
typedef struct ctrf_sink {
	int fd;
	ae_buf buf;
	int rc;
	ae_err *err;
} ctrf_sink;

static int ctrf_flush(ctrf_sink *s)
{
	size_t off = 0;

	if (s->fd < 0)
		return s->rc;
	while (s->rc == 0 && off < s->buf.len) {
		ssize_t n = write(s->fd, s->buf.data + off, s->buf.len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			s->rc = ae_fail(s->err, AE_EIO, "write CTRF: %s",
					strerror(errno));
		else
			off += (size_t)n;
	}
	s->buf.len = 0;
	return s->rc;
}

static int ctrf_put(ctrf_sink *s, const void *data, size_t len)
{
	const unsigned char *p = data;

	if (s->fd < 0) {
		if (s->rc == 0 && ae_buf_put(&s->buf, p, len, s->err) < 0)
			s->rc = AE_ETOOBIG;
		return s->rc;
	}
	while (s->rc == 0 && len > 0) {
		size_t room = CTRF_FLUSH - s->buf.len;
		size_t k = len < room ? len : room;
		if (ae_buf_put(&s->buf, p, k, s->err) < 0) {
			s->rc = AE_ERR;
			break;
		}
		p += k;
		len -= k;
		if (s->buf.len >= CTRF_FLUSH)
			ctrf_flush(s);
	}
	return s->rc;
}

static int ctrf_dump_cb(const char *buffer, size_t size, void *data)
{
	return ctrf_put(data, buffer, size) == 0 ? 0 : -1;
}

/* Writes `v` compact (one line). */
static int ctrf_dump(ctrf_sink *s, const json_t *v)
{
	if (json_dump_callback(v, ctrf_dump_cb, s,
			       JSON_COMPACT | JSON_ENCODE_ANY |
				       JSON_REAL_PRECISION(17)) != 0 &&
	    s->rc == 0)
		s->rc = ae_fail(s->err, AE_ERR, "CTRF dump failed");
	return s->rc;
}

/* Writes `"key": ` at an indentation. */
static int ctrf_key(ctrf_sink *s, const char *indent, const char *key,
		    bool first)
{
	json_t *k = json_string(key);

	ctrf_put(s, first ? "\n" : ",\n", first ? 1 : 2);
	ctrf_put(s, indent, strlen(indent));
	if (k == NULL)
		s->rc = ae_fail(s->err, AE_ERR, "out of memory");
	else
		ctrf_dump(s, k);
	json_decref(k);
	return ctrf_put(s, ": ", 2);
}

/* Writes the members of `obj`, each on its line; *lead says whether none
 * has been written at this level yet. */
static int ctrf_members(ctrf_sink *s, const char *indent, const json_t *obj,
			bool *lead)
{
	const char *k;
	json_t *v;

	json_object_foreach((json_t *)obj, k, v)
	{
		ctrf_key(s, indent, k, *lead);
		ctrf_dump(s, v);
		*lead = false;
	}
	return s->rc;
}

/* The merged summary: the counts of the tests written, and start/stop
 * (the earliest start, the latest stop of the reports' summaries, when they
 * are non-negative integers). */
typedef struct ctrf_acc {
	int64_t c[6];
	int64_t start, stop; /* -1: none */
} ctrf_acc;

static int ctrf_acc_add(ctrf_acc *acc, const json_t *report, ae_err *err)
{
	const json_t *sum =
		json_object_get(json_object_get(report, "results"), "summary");
	int64_t c[6];
	int rc = ctrf_tally(c, report, err);

	if (rc == 0)
		rc = ctrf_summary_agrees(report, c, err);
	for (int i = 0; rc == 0 && i < 6; i++) {
		if (__builtin_add_overflow(acc->c[i], c[i], &acc->c[i]))
			rc = ae_fail(err, AE_EINVAL, "CTRF counts overflow");
	}
	for (int i = 0; rc == 0 && i < 2; i++) {
		const json_t *v = json_object_get(sum, i ? "stop" : "start");
		int64_t t = json_integer_value(v),
			*have = i ? &acc->stop : &acc->start;
		if (!json_is_integer(v) || t < 0)
			continue;
		if (*have < 0 || (i ? t > *have : t < *have))
			*have = t;
	}
	return rc;
}

/* Writes the summary object of the merged report. */
static int ctrf_acc_write(ctrf_sink *s, const ctrf_acc *acc)
{
	json_t *sum = json_object();
	int bad = sum == NULL;

	for (int i = 0; !bad && i < 6; i++)
		bad = json_object_set_new(sum, ev__ctrf_counts[i],
					  json_integer(acc->c[i])) != 0;
	if (!bad && acc->start >= 0)
		bad = json_object_set_new(sum, "start",
					  json_integer(acc->start)) != 0;
	if (!bad && acc->stop >= 0)
		bad = json_object_set_new(sum, "stop",
					  json_integer(acc->stop)) != 0;
	if (bad)
		s->rc = ae_fail(s->err, AE_ERR, "out of memory");
	else
		ctrf_dump(s, sum);
	json_decref(sum);
	return s->rc;
}

/* Writes the header of the merged report from the first input, up to the
 * opening of results.tests. */
static int ctrf_head(ctrf_sink *s, const json_t *first, ev_redaction policy)
{
	json_t *top = NULL, *res = NULL;
	bool lead = true;

	s->rc = ev__ctrf_head_publish((void **)&top, (void **)&res, first,
				      policy, s->err);
	if (s->rc < 0)
		return s->rc;
	ctrf_put(s, "{", 1);
	ctrf_members(s, "  ", top, &lead);
	ctrf_key(s, "  ", "results", lead);
	ctrf_put(s, "{", 1);
	lead = true;
	ctrf_members(s, "    ", res, &lead);
	ctrf_key(s, "    ", "tests", lead);
	json_decref(top);
	json_decref(res);
	return ctrf_put(s, "[", 1);
}

/* Streams the tests of one report, published under `policy`. */
static int ctrf_tests(ctrf_sink *s, const json_t *report, ev_redaction policy,
		      bool *first)
{
	json_t *tests =
		json_object_get(json_object_get(report, "results"), "tests");

	for (size_t i = 0; s->rc == 0 && i < json_array_size(tests); i++) {
		json_t *t = json_array_get(tests, i), *pub = NULL;
		if (policy != EV_REDACT_FULL) {
			s->rc = ev__ctrf_test_publish((void **)&pub, t, policy,
						      s->err);
			if (s->rc < 0)
				break;
			t = pub;
		}
		ctrf_put(s, *first ? "\n      " : ",\n      ", *first ? 7 : 8);
		ctrf_dump(s, t);
		json_decref(pub);
		*first = false;
	}
	return s->rc;
}

/* One report into the sink: its header when it is the first, its tests,
 * its counts into `acc`. */
static int ctrf_one(ctrf_sink *s, const json_t *rep, bool head,
		    ev_redaction policy, ctrf_acc *acc, bool *first_test)
{
	s->rc = ctrf_acc_add(acc, rep, s->err);
	if (s->rc == 0 && head)
		ctrf_head(s, rep, policy);
	if (s->rc == 0)
		ctrf_tests(s, rep, policy, first_test);
	return s->rc;
}

/* Closes results.tests and writes the summary and the closing braces. */
static int ctrf_tail(ctrf_sink *s, const ctrf_acc *acc, bool first_test)
{
	ctrf_put(s, first_test ? "]" : "\n    ]", first_test ? 1 : 6);
	ctrf_key(s, "    ", "summary", false);
	ctrf_acc_write(s, acc);
	return ctrf_put(s, "\n  }\n}\n", 7);
}

/* Reads and parses one report. */
static int ctrf_load(json_t **out, const char *path, ae_err *err)
{
	ae_buf b;
	int rc;

	*out = NULL;
	rc = ae_read_file(&b, AT_FDCWD, path, EV_CTRF_MAX_BYTES, err);
	if (rc < 0)
		return rc;
	rc = ae_json_parse((void **)out, b.data, b.len, err);
	ae_buf_dispose(&b);
	return rc;
}

/* The merged report, one input in memory at a time. */
static int ctrf_merge(ctrf_sink *s, const ev__ctrf_input *in, size_t n,
		      ev_redaction policy)
{
	ctrf_acc acc = {{0}, -1, -1};
	bool first_test = true, head = true;
	json_t *rep = NULL;

	for (size_t i = 0; s->rc == 0 && i < n; i++) {
		if (in[i].dup)
			continue;
		s->rc = ctrf_load(&rep, in[i].path, s->err);
		if (s->rc == 0)
			ctrf_one(s, rep, head, policy, &acc, &first_test);
		head = false;
		json_decref(rep);
		rep = NULL;
	}
	if (s->rc == 0 && head)
		s->rc = ae_fail(s->err, AE_ERR, "no report for the phase");
	if (s->rc == 0)
		ctrf_tail(s, &acc, first_test);
	return s->rc;
}

/* Copies one file byte for byte (--full keeps raw files). */
static int ctrf_copy(ctrf_sink *s, const char *path)
{
	unsigned char chunk[CTRF_FLUSH];
	uint64_t size = 0;
	int fd = -1;

	s->rc = ae_open_regular(&fd, &size, AT_FDCWD, path, s->err);
	while (s->rc == 0) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			s->rc = ae_fail(s->err, AE_EIO, "read CTRF: %s",
					strerror(errno));
		if (n <= 0)
			break;
		ctrf_put(s, chunk, (size_t)n);
	}
	if (fd >= 0)
		close(fd);
	return s->rc;
}

int ev__ctrf_write_phase(int dirfd, const char *name, const ev__ctrf_input *in,
			 size_t n, ev_redaction policy, ae_err *err)
{
	ctrf_sink s;
	size_t live = 0, only = 0;

	for (size_t i = 0; i < n; i++) {
		if (!in[i].dup) {
			live++;
			only = i;
		}
	}
	memset(&s, 0, sizeof(s));
	s.err = err;
	ae_buf_init(&s.buf, CTRF_FLUSH);
	s.fd = openat(dirfd, name,
		      O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		      0644);
	if (s.fd < 0)
		return ae_fail(err, AE_EIO, "create %s: %s", name,
			       strerror(errno));
	if (live == 1 && policy == EV_REDACT_FULL)
		ctrf_copy(&s, in[only].path);
	else
		ctrf_merge(&s, in, n, policy);
	ctrf_flush(&s);
	if (close(s.fd) != 0 && s.rc == 0)
		s.rc = ae_fail(err, AE_EIO, "close %s: %s", name,
			       strerror(errno));
	ae_buf_dispose(&s.buf);
	if (s.rc < 0)
		unlinkat(dirfd, name, 0);
	return s.rc;
}

int ev_ctrf_redact(ae_buf *out, const unsigned char *buf, size_t len,
		   ev_redaction policy, ae_err *err)
{
	ctrf_sink s;
	ctrf_acc acc = {{0}, -1, -1};
	json_t *rep = NULL;
	bool first_test = true;

	memset(&s, 0, sizeof(s));
	s.fd = -1;
	s.err = err;
	ae_buf_init(&s.buf, EV_CTRF_MAX_BYTES);
	ae_buf_init(out, EV_CTRF_MAX_BYTES);
	if (len > EV_CTRF_MAX_BYTES)
		return ae_fail(err, AE_ETOOBIG,
			       "CTRF report is %zu bytes, cap %u", len,
			       EV_CTRF_MAX_BYTES);
	s.rc = ae_json_parse((void **)&rep, buf, len, err);
	if (s.rc == 0 && policy == EV_REDACT_MINIMAL)
		s.rc = ctrf_names_check(rep, 0, NULL, err);
	if (s.rc == 0)
		ctrf_one(&s, rep, true, policy, &acc, &first_test);
	if (s.rc == 0)
		ctrf_tail(&s, &acc, first_test);
	json_decref(rep);
	if (s.rc < 0) {
		ae_buf_dispose(&s.buf);
		return s.rc;
	}
	*out = s.buf;
	return 0;
}
