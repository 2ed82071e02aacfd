/* ledger/git2.c -- libgit2, loaded when the first git call is made
 *
 * libgit2 pulls about thirteen shared libraries into the process (mbedTLS
 * three times, libssh2, Kerberos, PCRE2, http-parser, keyutils, resolv),
 * and the dynamic loader maps and relocates every one of them at startup
 * whether or not the command reads a repository: about 3 ms of CPU per
 * process, a third of what a `sigstore verify-bundle` costs. Only ledger/
 * calls libgit2 (check, the contract gate, and the corroboration's source),
 * so the tool does not link it: this file defines each git_* function
 * ledger/ calls, with the prototype git2's headers give it (the compiler
 * holds the two alike), and the first call dlopen()s the shared object
 * whose SONAME the Makefile read from the installed libgit2
 * (AE_GIT2_SONAME) and forwards to it. Call sites are plain libgit2 code.
 * Commands that read no repository never load it. The same for libcurl:
 * evidence/core/curl.c.
 *
 * The functions are one list, GS_FUNCTIONS, expanded three times (the
 * table of real functions, their lookup, the definitions): the three
 * cannot disagree, and a libgit2 function the code starts calling without
 * adding it here is undefined when the tool links (the tool does not link
 * libgit2), not a failure at run time. A function that returns a value
 * loads the library on its first call; a void one (a free, a dispose,
 * clearing the error) never does: whatever it would release came from
 * libgit2, which is then loaded.
 *
 * When libgit2 cannot be loaded, every call fails as libgit2 reports a
 * failure -- git_libgit2_init GIT_ERROR, which every caller checks first,
 * and git_error_last the reason ("libgit2 could not be loaded: " and the
 * loader's message), which ld__git_fail words.
 */
#include <git2.h>
#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>

#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#ifndef AE_GIT2_SONAME
/* the SONAME of the installed libgit2: the Makefile reads it */
#error "AE_GIT2_SONAME is not set"
#endif
/* An empty name would dlopen the program itself, whose git_* are these. */
_Static_assert(sizeof(AE_GIT2_SONAME) > 1, "AE_GIT2_SONAME is empty");

/* GS_FN(return type, name, (parameters), (arguments), value when libgit2
 * could not be loaded); GS_VOID(name, (parameters), (arguments)). */
/* clang-format off */
#define GS_FUNCTIONS                                                           \
	GS_VOID(git_blob_free, (git_blob *blob), (blob))                       \
	GS_FN(int, git_blob_lookup, (git_blob **blob, git_repository *repo,    \
	      const git_oid *id), (blob, repo, id), GIT_ERROR)                 \
	GS_FN(const void *, git_blob_rawcontent, (const git_blob *blob),       \
	      (blob), NULL)                                                    \
	GS_FN(git_object_size_t, git_blob_rawsize, (const git_blob *blob),     \
	      (blob), 0)                                                       \
	GS_VOID(git_buf_dispose, (git_buf *buffer), (buffer))                  \
	GS_VOID(git_commit_free, (git_commit *commit), (commit))               \
	GS_FN(const git_oid *, git_commit_id, (const git_commit *commit),      \
	      (commit), NULL)                                                  \
	GS_FN(int, git_commit_lookup, (git_commit **commit,                    \
	      git_repository *repo, const git_oid *id), (commit, repo, id),    \
	      GIT_ERROR)                                                       \
	GS_FN(int, git_commit_parent, (git_commit **out,                       \
	      const git_commit *commit, unsigned int n), (out, commit, n),     \
	      GIT_ERROR)                                                       \
	GS_FN(unsigned int, git_commit_parentcount,                            \
	      (const git_commit *commit), (commit), 0)                         \
	GS_FN(int, git_commit_tree, (git_tree **tree_out,                      \
	      const git_commit *commit), (tree_out, commit), GIT_ERROR)        \
	GS_VOID(git_error_clear, (void), ())                                   \
	GS_FN(const git_error *, git_error_last, (void), (), &gs_error)        \
	GS_VOID(git_index_conflict_iterator_free,                              \
		(git_index_conflict_iterator *iterator), (iterator))           \
	GS_FN(int, git_index_conflict_iterator_new,                            \
	      (git_index_conflict_iterator **iterator_out, git_index *index),  \
	      (iterator_out, index), GIT_ERROR)                                \
	GS_FN(int, git_index_conflict_next,                                    \
	      (const git_index_entry **ancestor_out,                           \
	      const git_index_entry **our_out,                                 \
	      const git_index_entry **their_out,                               \
	      git_index_conflict_iterator *iterator),                          \
	      (ancestor_out, our_out, their_out, iterator), GIT_ERROR)         \
	GS_VOID(git_index_free, (git_index *index), (index))                   \
	GS_FN(int, git_index_has_conflicts, (const git_index *index),          \
	      (index), GIT_ERROR)                                              \
	GS_FN(int, git_index_write_tree_to, (git_oid *out, git_index *index,   \
	      git_repository *repo), (out, index, repo), GIT_ERROR)            \
	GS_FN(int, git_libgit2_init, (void), (), GIT_ERROR)                    \
	GS_FN(int, git_libgit2_shutdown, (void), (), 0)                        \
	GS_FN(int, git_mempack_new, (git_odb_backend **out), (out),            \
	      GIT_ERROR)                                                       \
	GS_FN(int, git_merge_base, (git_oid *out, git_repository *repo,        \
	      const git_oid *one, const git_oid *two), (out, repo, one, two),  \
	      GIT_ERROR)                                                       \
	GS_FN(int, git_merge_bases, (git_oidarray *out, git_repository *repo,  \
	      const git_oid *one, const git_oid *two), (out, repo, one, two),  \
	      GIT_ERROR)                                                       \
	GS_FN(int, git_merge_commits, (git_index **out, git_repository *repo,  \
	      const git_commit *our_commit, const git_commit *their_commit,    \
	      const git_merge_options *opts),                                  \
	      (out, repo, our_commit, their_commit, opts), GIT_ERROR)          \
	GS_FN(int, git_merge_file, (git_merge_file_result *out,                \
	      const git_merge_file_input *ancestor,                            \
	      const git_merge_file_input *ours,                                \
	      const git_merge_file_input *theirs,                              \
	      const git_merge_file_options *opts),                             \
	      (out, ancestor, ours, theirs, opts), GIT_ERROR)                  \
	GS_FN(int, git_merge_file_input_init, (git_merge_file_input *opts,     \
	      unsigned int version), (opts, version), GIT_ERROR)               \
	GS_VOID(git_merge_file_result_free, (git_merge_file_result *result),   \
		(result))                                                      \
	GS_FN(int, git_merge_options_init, (git_merge_options *opts,           \
	      unsigned int version), (opts, version), GIT_ERROR)               \
	GS_VOID(git_object_free, (git_object *object), (object))               \
	GS_FN(int, git_object_peel, (git_object **peeled,                      \
	      const git_object *object, git_object_t target_type),             \
	      (peeled, object, target_type), GIT_ERROR)                        \
	GS_FN(int, git_odb_add_backend, (git_odb *odb,                         \
	      git_odb_backend *backend, int priority),                         \
	      (odb, backend, priority), GIT_ERROR)                             \
	GS_VOID(git_odb_backend_data_free, (git_odb_backend *backend,          \
		void *data), (backend, data))                                  \
	GS_VOID(git_odb_free, (git_odb *db), (db))                             \
	GS_FN(int, git_odb_get_backend, (git_odb_backend **out, git_odb *odb,  \
	      size_t pos), (out, odb, pos), GIT_ERROR)                         \
	GS_FN(size_t, git_odb_num_backends, (git_odb *odb), (odb), 0)          \
	GS_FN(const void *, git_odb_object_data, (git_odb_object *object),     \
	      (object), NULL)                                                  \
	GS_VOID(git_odb_object_free, (git_odb_object *object), (object))       \
	GS_FN(size_t, git_odb_object_size, (git_odb_object *object),           \
	      (object), 0)                                                     \
	GS_FN(git_object_t, git_odb_object_type, (git_odb_object *object),     \
	      (object), GIT_OBJECT_INVALID)                                    \
	GS_FN(int, git_odb_read, (git_odb_object **out, git_odb *db,           \
	      const git_oid *id), (out, db, id), GIT_ERROR)                    \
	GS_FN(int, git_odb_read_header, (size_t *len_out,                      \
	      git_object_t *type_out, git_odb *db, const git_oid *id),         \
	      (len_out, type_out, db, id), GIT_ERROR)                          \
	GS_FN(int, git_odb_write, (git_oid *out, git_odb *odb,                 \
	      const void *data, size_t len, git_object_t type),                \
	      (out, odb, data, len, type), GIT_ERROR)                          \
	GS_FN(int, git_oid_cpy, (git_oid *out, const git_oid *src),            \
	      (out, src), GIT_ERROR)                                           \
	GS_FN(int, git_oid_equal, (const git_oid *a, const git_oid *b),        \
	      (a, b), GIT_ERROR)                                               \
	GS_FN(int, git_oid_fromraw, (git_oid *out, const unsigned char *raw),  \
	      (out, raw), GIT_ERROR)                                           \
	GS_FN(char *, git_oid_tostr, (char *out, size_t n,                     \
	      const git_oid *id), (out, n, id), gs_oid_tostr_none(out, n))     \
	GS_VOID(git_oidarray_dispose, (git_oidarray *array), (array))          \
	GS_VOID(git_repository_free, (git_repository *repo), (repo))           \
	GS_FN(int, git_repository_is_shallow, (git_repository *repo), (repo),  \
	      GIT_ERROR)                                                       \
	GS_FN(int, git_repository_item_path, (git_buf *out,                    \
	      const git_repository *repo, git_repository_item_t item),         \
	      (out, repo, item), GIT_ERROR)                                    \
	GS_FN(int, git_repository_odb, (git_odb **out, git_repository *repo),  \
	      (out, repo), GIT_ERROR)                                          \
	GS_FN(int, git_repository_open, (git_repository **out,                 \
	      const char *path), (out, path), GIT_ERROR)                       \
	GS_FN(int, git_repository_open_ext, (git_repository **out,             \
	      const char *path, unsigned int flags,                            \
	      const char *ceiling_dirs), (out, path, flags, ceiling_dirs),     \
	      GIT_ERROR)                                                       \
	GS_FN(const char *, git_repository_path,                               \
	      (const git_repository *repo), (repo), NULL)                      \
	GS_FN(const char *, git_repository_workdir,                            \
	      (const git_repository *repo), (repo), NULL)                      \
	GS_FN(int, git_revparse_single, (git_object **out,                     \
	      git_repository *repo, const char *spec), (out, repo, spec),      \
	      GIT_ERROR)                                                       \
	GS_VOID(git_revwalk_free, (git_revwalk *walk), (walk))                 \
	GS_FN(int, git_revwalk_hide, (git_revwalk *walk,                       \
	      const git_oid *commit_id), (walk, commit_id), GIT_ERROR)         \
	GS_FN(int, git_revwalk_new, (git_revwalk **out,                        \
	      git_repository *repo), (out, repo), GIT_ERROR)                   \
	GS_FN(int, git_revwalk_next, (git_oid *out, git_revwalk *walk),        \
	      (out, walk), GIT_ERROR)                                          \
	GS_FN(int, git_revwalk_push, (git_revwalk *walk, const git_oid *id),   \
	      (walk, id), GIT_ERROR)                                           \
	GS_FN(const git_tree_entry *, git_tree_entry_byindex,                  \
	      (const git_tree *tree, size_t idx), (tree, idx), NULL)           \
	GS_FN(const git_tree_entry *, git_tree_entry_byname,                   \
	      (const git_tree *tree, const char *filename), (tree, filename),  \
	      NULL)                                                            \
	GS_FN(int, git_tree_entry_bypath, (git_tree_entry **out,               \
	      const git_tree *root, const char *path), (out, root, path),      \
	      GIT_ERROR)                                                       \
	GS_FN(int, git_tree_entry_cmp, (const git_tree_entry *e1,              \
	      const git_tree_entry *e2), (e1, e2), GIT_ERROR)                  \
	GS_FN(git_filemode_t, git_tree_entry_filemode_raw,                     \
	      (const git_tree_entry *entry), (entry),                          \
	      GIT_FILEMODE_UNREADABLE)                                         \
	GS_VOID(git_tree_entry_free, (git_tree_entry *entry), (entry))         \
	GS_FN(const git_oid *, git_tree_entry_id,                              \
	      (const git_tree_entry *entry), (entry), NULL)                    \
	GS_FN(const char *, git_tree_entry_name,                               \
	      (const git_tree_entry *entry), (entry), NULL)                    \
	GS_FN(git_object_t, git_tree_entry_type,                               \
	      (const git_tree_entry *entry), (entry), GIT_OBJECT_INVALID)      \
	GS_FN(size_t, git_tree_entrycount, (const git_tree *tree), (tree), 0)  \
	GS_VOID(git_tree_free, (git_tree *tree), (tree))                       \
	GS_FN(const git_oid *, git_tree_id, (const git_tree *tree), (tree),    \
	      NULL)                                                            \
	GS_FN(int, git_tree_lookup, (git_tree **out, git_repository *repo,     \
	      const git_oid *id), (out, repo, id), GIT_ERROR)                  \
	GS_VOID(git_treebuilder_free, (git_treebuilder *bld), (bld))           \
	GS_FN(int, git_treebuilder_insert, (const git_tree_entry **out,        \
	      git_treebuilder *bld, const char *filename, const git_oid *id,   \
	      git_filemode_t filemode), (out, bld, filename, id, filemode),    \
	      GIT_ERROR)                                                       \
	GS_FN(int, git_treebuilder_new, (git_treebuilder **out,                \
	      git_repository *repo, const git_tree *source),                   \
	      (out, repo, source), GIT_ERROR)                                  \
	GS_FN(int, git_treebuilder_remove, (git_treebuilder *bld,              \
	      const char *filename), (bld, filename), GIT_ERROR)               \
	GS_FN(int, git_treebuilder_write, (git_oid *id,                        \
	      git_treebuilder *bld), (id, bld), GIT_ERROR)
/* clang-format on */

/* The real functions, resolved once. */
#define GS_FN(ret, name, params, args, fail) ret(*name) params;
#define GS_VOID(name, params, args)	     void(*name) params;
static struct {
	GS_FUNCTIONS
} gs;
#undef GS_FN
#undef GS_VOID

/* 0 not tried yet, 1 loaded with every function, -1 could not be loaded;
 * set last in gs_load (release), so a reader that sees 1 sees gs whole. */
static atomic_int gs_state;
static pthread_once_t gs_once = PTHREAD_ONCE_INIT;
static char gs_message[512];
static git_error gs_error = {gs_message, GIT_ERROR_OS};

/* dlsym into a function pointer without an object-pointer cast; the first
 * symbol missing ends the lookup (dlerror() names it). */
#define GS_SYM(name)                                                           \
	do {                                                                   \
		void *p_ = dlsym(h, #name);                                    \
		if (p_ == NULL)                                                \
			goto fail;                                             \
		memcpy(&gs.name, &p_, sizeof(p_));                             \
	} while (0)

static void gs_load(void)
{
	/* lazy, as when it was linked: libgit2's own calls bind when made */
	void *h = dlopen(AE_GIT2_SONAME, RTLD_LAZY | RTLD_LOCAL);
	const char *why;

	if (h == NULL)
		goto fail;
#define GS_FN(ret, name, params, args, fail) GS_SYM(name);
#define GS_VOID(name, params, args)	     GS_SYM(name);
	GS_FUNCTIONS
#undef GS_FN
#undef GS_VOID
	/* the handle stays open for the process */
	atomic_store_explicit(&gs_state, 1, memory_order_release);
	return;
fail:
	why = dlerror();
	snprintf(gs_message, sizeof(gs_message),
		 "libgit2 could not be loaded: %s", why ? why : AE_GIT2_SONAME);
	if (h != NULL)
		dlclose(h);
	memset(&gs, 0, sizeof(gs));
	atomic_store_explicit(&gs_state, -1, memory_order_release);
}

/* True once libgit2 is loaded with every function; loads it first. */
static int gs_ready(void)
{
	int s = atomic_load_explicit(&gs_state, memory_order_acquire);

	if (s == 0) {
		pthread_once(&gs_once, gs_load);
		s = atomic_load_explicit(&gs_state, memory_order_acquire);
	}
	return s == 1;
}

/* True when libgit2 is loaded already; never loads it. */
static int gs_loaded(void)
{
	return atomic_load_explicit(&gs_state, memory_order_acquire) == 1;
}

/* git_oid_tostr's answer for arguments it cannot use: an empty string. */
static char *gs_oid_tostr_none(char *out, size_t n)
{
	if (out != NULL && n > 0)
		out[0] = '\0';
	return out;
}

#define GS_FN(ret, name, params, args, fail)                                   \
	ret name params                                                        \
	{                                                                      \
		return gs_ready() ? gs.name args : (fail);                     \
	}
#define GS_VOID(name, params, args)                                            \
	void name params                                                       \
	{                                                                      \
		if (gs_loaded())                                               \
			gs.name args;                                          \
	}
GS_FUNCTIONS
#undef GS_FN
#undef GS_VOID
