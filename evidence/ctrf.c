/* evidence/ctrf.c -- CTRF reports: find them, count them, write a phase
 *
 * A validation run leaves one or more CTRF reports per phase (reference
 * §6.3). emit takes files and directories, works out each report's phase,
 * counts passed/failed/skipped for the predicate, and writes one
 * ctrf/<phase>.json per phase. Reports can be large (stdout of every
 * check), so the writer streams: one report is parsed at a time and the
 * output goes to the file in chunks, never held whole (SPEC §7 "memory
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

#define CTRF_FLUSH (64u << 10) /* sink buffer flushed past this many bytes */

void ev__ctrf_inputs_free(ev__ctrf_input *in, size_t n)
{
	for (size_t i = 0; in != NULL && i < n; i++)
		free(in[i].path);
	free(in);
}

/* The phase a file name says, -1 when none: `conformance.json`,
 * `conformance-2.json`, `conformance_x.json`. */
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

static bool ctrf_is_json(const char *name)
{
	size_t n = strlen(name);

	return n > 5 && strcmp(name + n - 5, ".json") == 0 && name[0] != '.';
}

/* Appends one input; the phase from the name, else from `dir_phase`. */
static int ctrf_add(ev__ctrf_input **v, size_t *n, const char *path,
		    const char *base, int dir_phase, ae_err *err)
{
	ev__ctrf_input *grown;
	char r[AE_REPR_BUF];
	int phase = ctrf_phase_of_name(base);

	if (phase < 0)
		phase = dir_phase;
	if (phase < 0)
		return ae_fail(err, AE_EINVAL,
			       "%s names no phase: call it <phase>.json or put "
			       "it in a <phase>/ directory (deployment, "
			       "performance, conformance)",
			       ae_repr(r, sizeof(r), path, strlen(path)));
	if (*n >= EV_CTRF_MAX_INPUTS)
		return ae_fail(err, AE_ETOOBIG, "more than %d CTRF reports",
			       EV_CTRF_MAX_INPUTS);
	grown = realloc(*v, (*n + 1) * sizeof(**v));
	if (grown == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	*v = grown;
	grown[*n].path = strdup(path);
	if (grown[*n].path == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	grown[*n].phase = phase;
	(*n)++;
	return 0;
}

static int ctrf_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names of the entries of `dir` (no dot entries). */
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
		if (e->d_name[0] == '.')
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

/* Adds the *.json files of `dir` (phase from `dir_phase` if the names do
 * not say) and, at depth 0, recurses into phase-named sub-directories. */
static int ctrf_walk(ev__ctrf_input **v, size_t *n, const char *dir,
		     int dir_phase, int depth, ae_err *err)
{
	char **names = NULL;
	size_t nn = 0;
	int rc;

	rc = ctrf_list_dir(&names, &nn, dir, err);
	for (size_t i = 0; rc == 0 && i < nn; i++) {
		char path[4096];
		struct stat st;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
				     names[i]) >= sizeof(path)) {
			rc = ae_fail(err, AE_EINVAL, "CTRF path too long");
			break;
		}
		if (lstat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode) && depth == 0 &&
		    ev__phase_index(names[i]) >= 0)
			rc = ctrf_walk(v, n, path, ev__phase_index(names[i]), 1,
				       err);
		else if (S_ISREG(st.st_mode) && ctrf_is_json(names[i]))
			rc = ctrf_add(v, n, path, names[i], dir_phase, err);
		else if (ctrf_is_json(names[i])) {
			/* A report that is a symlink or a FIFO is refused, not
			 * skipped: its phase would go missing silently. */
			char r[AE_REPR_BUF];
			rc = ae_fail(err, AE_EINVAL, "%s: not a regular file%s",
				     ae_repr(r, sizeof(r), path, strlen(path)),
				     S_ISLNK(st.st_mode)
					     ? " (a symlink, not followed)"
					     : "");
		}
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
		if (stat(paths[i], &st) != 0)
			rc = ae_fail(err, AE_ENOTFOUND, "%s: %s",
				     ae_repr(r, sizeof(r), paths[i],
					     strlen(paths[i])),
				     strerror(errno));
		else if (S_ISDIR(st.st_mode))
			rc = ctrf_walk(&v, &n, paths[i], ev__phase_index(base),
				       0, err);
		else
			rc = ctrf_add(&v, &n, paths[i], base, -1, err);
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

/* A summary count, 0 when absent; AE_EINVAL when not a non-negative int. */
static int ctrf_int(int64_t *out, const json_t *obj, const char *key,
		    ae_err *err)
{
	const json_t *v = json_object_get(obj, key);

	*out = 0;
	if (v == NULL)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return ae_fail(err, AE_EINVAL, "CTRF summary.%s is not a count",
			       key);
	*out = json_integer_value(v);
	return 0;
}

int ev__ctrf_count(ev__phase *ph, const void *report_v, ae_err *err)
{
	const json_t *report = report_v;
	const json_t *res = json_object_get(report, "results");
	const json_t *tests = json_object_get(res, "tests");
	const json_t *sum = json_object_get(res, "summary");
	int64_t p = 0, f = 0, s = 0;
	int rc;

	if (!json_is_object(report) || !json_is_object(res) ||
	    !json_is_array(tests))
		return ae_fail(err, AE_EINVAL,
			       "not a CTRF report (no results.tests array)");
	for (size_t i = 0; i < json_array_size(tests); i++) {
		const json_t *t = json_array_get(tests, i);
		const char *st =
			json_string_value(json_object_get(t, "status"));
		if (!json_is_object(t) ||
		    !json_is_string(json_object_get(t, "name")) || st == NULL)
			return ae_fail(err, AE_EINVAL,
				       "CTRF test %zu has no name or status",
				       i);
		if (sum != NULL)
			continue;
		/* Without a summary, count as corroboration buckets them
		 * (reference §4.4): other and unknown count as failed. */
		if (strcmp(st, "passed") == 0)
			p++;
		else if (strcmp(st, "skipped") == 0 ||
			 strcmp(st, "pending") == 0)
			s++;
		else
			f++;
	}
	if (sum != NULL) {
		if (!json_is_object(sum))
			return ae_fail(err, AE_EINVAL,
				       "CTRF summary is not an object");
		rc = ctrf_int(&p, sum, "passed", err);
		if (rc == 0)
			rc = ctrf_int(&f, sum, "failed", err);
		if (rc == 0)
			rc = ctrf_int(&s, sum, "skipped", err);
		if (rc < 0)
			return rc;
	}
	if (__builtin_add_overflow(ph->passed, p, &ph->passed) ||
	    __builtin_add_overflow(ph->failed, f, &ph->failed) ||
	    __builtin_add_overflow(ph->skipped, s, &ph->skipped))
		return ae_fail(err, AE_EINVAL, "CTRF counts overflow");
	ph->present = true;
	return 0;
}

/* Reads and parses one report. */
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

static int ctrf_load(json_t **out, ae_buf *b, const char *path, ae_err *err)
{
	int rc;

	*out = NULL;
	rc = ae_read_file(b, AT_FDCWD, path, EV_CTRF_MAX_BYTES, err);
	if (rc < 0)
		return rc;
	rc = ae_json_parse((void **)out, b->data, b->len, err);
	return ctrf_not_ctrf(rc, b, err);
}

int ev__ctrf_scan(ev__phase *ph, void *images, const char *path, ae_err *err)
{
	json_t *root = NULL;
	const json_t *img;
	ae_buf b = AE_BUF_INIT(EV_CTRF_MAX_BYTES);
	int rc;

	rc = ctrf_load(&root, &b, path, err);
	if (rc < 0)
		goto done;
	rc = ev__ctrf_count(ph, root, err);
	if (rc < 0) {
		rc = ctrf_not_ctrf(rc, &b, err);
		goto done;
	}
	/* The validator image that produced the report (docs/formats.md). */
	img = json_object_get(
		json_object_get(json_object_get(root, "results"), "tool"),
		"image");
	if (img != NULL && !json_is_string(img)) {
		rc = ae_fail(err, AE_EINVAL,
			     "results.tool.image is not a string");
		goto done;
	}
	if (img != NULL && json_string_length(img) > 0 &&
	    json_array_append(images, (json_t *)img) != 0)
		rc = ae_fail(err, AE_ERR, "out of memory");
done:
	json_decref(root);
	ae_buf_dispose(&b);
	return rc;
}

/* ---- streaming writer ---- */

typedef struct ctrf_sink {
	int fd;
	ae_buf buf;
	int rc;
	ae_err *err;
} ctrf_sink;

static int ctrf_flush(ctrf_sink *s)
{
	size_t off = 0;

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

/* Writes `v` compact (one line), or pretty with `indent`. */
static int ctrf_dump(ctrf_sink *s, const json_t *v, size_t flags)
{
	if (json_dump_callback(v, ctrf_dump_cb, s,
			       flags | JSON_ENCODE_ANY |
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
	ctrf_dump(s, k, 0);
	json_decref(k);
	return ctrf_put(s, ": ", 2);
}

/* Adds one report's summary (or its tests' statuses) into `acc`. */
static int ctrf_sum(json_t *acc, const json_t *report, ae_err *err)
{
	static const char *const counts[] = {"tests",	"passed",  "failed",
					     "skipped", "pending", "other"};
	const json_t *res = json_object_get(report, "results");
	const json_t *sum = json_object_get(res, "summary");
	const json_t *tests = json_object_get(res, "tests");

	for (size_t i = 0; i < 6; i++) {
		int64_t have =
			json_integer_value(json_object_get(acc, counts[i]));
		int64_t add = 0;
		if (sum != NULL) {
			add = json_integer_value(
				json_object_get(sum, counts[i]));
		} else if (i == 0) {
			add = (int64_t)json_array_size(tests);
		} else {
			for (size_t j = 0; j < json_array_size(tests); j++) {
				const char *st =
					json_string_value(json_object_get(
						json_array_get(tests, j),
						"status"));
				add += st != NULL && strcmp(st, counts[i]) == 0;
			}
		}
		if (json_object_set_new(acc, counts[i],
					json_integer(have + add)) != 0)
			return ae_fail(err, AE_ERR, "out of memory");
	}
	for (size_t i = 0; sum != NULL && i < 2; i++) {
		const char *k = i == 0 ? "start" : "stop";
		const json_t *v = json_object_get(sum, k), *cur;
		cur = json_object_get(acc, k);
		if (!json_is_integer(v))
			continue;
		if (cur == NULL ||
		    (i == 0 ? json_integer_value(v) < json_integer_value(cur)
			    : json_integer_value(v) > json_integer_value(cur)))
			if (json_object_set(acc, k, (json_t *)v) != 0)
				return ae_fail(err, AE_ERR, "out of memory");
	}
	return 0;
}

/* Writes the header of the merged report from the first input. */
static int ctrf_head(ctrf_sink *s, const json_t *first)
{
	const json_t *res = json_object_get(first, "results"), *v;
	bool lead = true;
	const char *k;

	ctrf_put(s, "{", 1);
	json_object_foreach((json_t *)first, k, v)
	{
		if (strcmp(k, "results") == 0)
			continue;
		ctrf_key(s, "  ", k, lead);
		ctrf_dump(s, v, JSON_COMPACT);
		lead = false;
	}
	ctrf_key(s, "  ", "results", lead);
	ctrf_put(s, "{", 1);
	lead = true;
	json_object_foreach((json_t *)res, k, v)
	{
		if (strcmp(k, "tests") == 0 || strcmp(k, "summary") == 0)
			continue;
		ctrf_key(s, "    ", k, lead);
		ctrf_dump(s, v, JSON_COMPACT);
		lead = false;
	}
	ctrf_key(s, "    ", "tests", lead);
	return ctrf_put(s, "[", 1);
}

/* Streams the tests of one report, scrubbed unless `full`. */
static int ctrf_tests(ctrf_sink *s, json_t *report, bool full, bool *first,
		      unsigned *applied)
{
	json_t *tests =
		json_object_get(json_object_get(report, "results"), "tests");

	for (size_t i = 0; s->rc == 0 && i < json_array_size(tests); i++) {
		json_t *t = json_array_get(tests, i);
		if (!full && ev__ctrf_scrub_test(t, applied, s->err) < 0) {
			s->rc = AE_EINVAL;
			break;
		}
		ctrf_put(s, *first ? "\n      " : ",\n      ", *first ? 7 : 8);
		ctrf_dump(s, t, JSON_COMPACT);
		*first = false;
	}
	return s->rc;
}

/* The merged (or single scrubbed) report, one input in memory at a time. */
static int ctrf_merge(ctrf_sink *s, const ev__ctrf_input *in, size_t n,
		      bool full, unsigned *applied)
{
	json_t *acc = json_object(), *rep = NULL;
	bool first_test = true;
	ev__phase ph;

	if (acc == NULL)
		return s->rc = ae_fail(s->err, AE_ERR, "out of memory");
	for (size_t i = 0; s->rc == 0 && i < n; i++) {
		memset(&ph, 0, sizeof(ph));
		ae_buf b = AE_BUF_INIT(EV_CTRF_MAX_BYTES);
		s->rc = ctrf_load(&rep, &b, in[i].path, s->err);
		ae_buf_dispose(&b);
		if (s->rc == 0)
			s->rc = ev__ctrf_count(&ph, rep, s->err);
		if (s->rc == 0)
			s->rc = ctrf_sum(acc, rep, s->err);
		if (s->rc == 0 && i == 0)
			ctrf_head(s, rep);
		if (s->rc == 0)
			ctrf_tests(s, rep, full, &first_test, applied);
		json_decref(rep);
		rep = NULL;
	}
	ctrf_put(s, first_test ? "]" : "\n    ]", first_test ? 1 : 6);
	ctrf_key(s, "    ", "summary", false);
	ctrf_dump(s, acc, JSON_COMPACT);
	ctrf_put(s, "\n  }\n}\n", 7);
	json_decref(acc);
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

int ev__ctrf_write_phase(unsigned *applied, int dirfd, const char *name,
			 const ev__ctrf_input *in, size_t n, bool full,
			 ae_err *err)
{
	ctrf_sink s;

	memset(&s, 0, sizeof(s));
	s.err = err;
	ae_buf_init(&s.buf, CTRF_FLUSH);
	s.fd = openat(dirfd, name,
		      O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		      0644);
	if (s.fd < 0)
		return ae_fail(err, AE_EIO, "create %s: %s", name,
			       strerror(errno));
	if (n == 1 && full)
		ctrf_copy(&s, in[0].path);
	else
		ctrf_merge(&s, in, n, full, applied);
	ctrf_flush(&s);
	if (close(s.fd) != 0 && s.rc == 0)
		s.rc = ae_fail(err, AE_EIO, "close %s: %s", name,
			       strerror(errno));
	ae_buf_dispose(&s.buf);
	if (s.rc < 0)
		unlinkat(dirfd, name, 0);
	return s.rc;
}
