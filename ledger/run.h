/* cmd/ledger.h -- what the files of `aicr-evidence ledger` share
 *
 * cmd/ledger.c parses the flags and prints; cmd/ledger_gather.c reads the
 * ledger's claims, builds the model's runs and writes the report (text,
 * JSON, HTML, the data feed); cmd/ledger_verify.c fetches and verifies
 * bundles (the wiring issue 17 moves into ledger/verify.c);
 * cmd/ledger_facts.c reads what a verified bundle says beyond its CTRF and
 * judges its freshness against the current recipes; cmd/ledger_ingest.c
 * adds first-party bundles named on the command line or found in a
 * registry repository. Not a module header: only cmd/ledger*.c include it.
 */
#ifndef AE_CMD_LEDGER_H
#define AE_CMD_LEDGER_H

#include "allowlist/allowlist.h"
#include "cmd/cmd.h"
#include "evidence/evidence.h"
#include "ledger/ledger.h"
#include "oci/oci.h"

/* Bundles one --ingest-file may name, and one --ingest-repo may list. */
#define LEDGER_INGEST_FILE_MAX_BYTES (1u << 20)
#define LEDGER_INGEST_MAX	     10000u
/* Files read from --recipes (one directory level) and --recipe. */
#define LEDGER_RECIPES_MAX 4096u

typedef enum out_format { FMT_TEXT, FMT_JSON, FMT_HTML, FMT_FEED } out_format;

/* What --verify needs. */
typedef struct ledger_verify_opts {
	bool verify;
	bool offline;
	cmd_registry_flags reg; /* how bundles are fetched */
	bool any_reg;		/* a registry flag was given */
	const char *trusted_root;
	const char *cache;
	unsigned jobs;
	/* the TUF-cached root in force without --trusted-root, NULL: the
	 * embedded root (set by ledger_items_verify) */
	const unsigned char *root_json;
	size_t root_json_len;
} ledger_verify_opts;

/* One pointer (or ingested bundle) as gathered: the claim, then what
 * verification made of it. Strings are owned by the item (or borrowed
 * from its pointer). */
typedef struct ledger_item {
	char *path;   /* relative to the root; NULL when ingested */
	char *recipe; /* the recipe directory, or the verified predicate's */
	char *src;    /* the source directory it sits in */
	ld_pointer *ptr;
	char *label; /* copied: the allowlist is freed after gathering */
	char slug[LD_SLUG_LEN + 1];
	ld_class cls;
	ld_vote vote;
	char reason[AE_ERR_MSG_MAX];
	bool transient;
	ld_ctrf *ctrf[LD_PHASE_COUNT];
	ld_check_input *checks;
	size_t n_checks;
	/* issue 22 */
	ld_origin origin;
	char *ref;	  /* ingested: registry/repo@sha256:... */
	char *v_issuer;	  /* the verified signer (certificate) */
	char *v_identity; /* ... */
	ld_facts facts;	  /* what the verified bundle says */
	ld_fresh recipe_fresh, profile_fresh;
	char fresh_note[LD_FRESH_NOTE_MAX];
} ledger_item;

typedef struct ledger_items {
	ledger_item *v;
	size_t n, cap;
	bool transient;	  /* some bundle gave no verdict */
	char commit[64];  /* the git commit the ledger was read from, or "" */
	char trust[4400]; /* the trusted root the bundles were verified with */
} ledger_items;

typedef struct ledger_args {
	const char **recipes;
	size_t n_recipes;
	const char *root;
	const char *out;
	out_format format;
	bool show_identities;
	bool worktree; /* read the files even inside a git work tree */
	ledger_verify_opts v;
	/* issue 22 */
	const char *recipes_dir;   /* --recipes */
	const char **recipe_files; /* --recipe, repeatable */
	size_t n_recipe_files;
	bool include_historical;
	bool exclude_dev;
	ld_lens lens;
	const char *lens_version; /* --at-version */
	const char **ingest;	  /* --ingest REF, repeatable */
	size_t n_ingest;
	const char **ingest_files; /* --ingest-file F */
	size_t n_ingest_files;
	const char **ingest_repos; /* --ingest-repo REPO */
	size_t n_ingest_repos;
} ledger_args;

/* cmd/ledger_gather.c */

/* Appends a zeroed item; AE_ERR on OOM (the list unchanged). */
int ledger_items_add(ledger_item **out, ledger_items *items, ae_err *err);
/* Marks the item unverifiable with a reason; findings, not errors. */
void ledger_item_void(ledger_item *it, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Finds the pointers under a->root and reads every claim; *al_out is the
 * ledger's allowlist (NULL: none), for the verifier. */
int ledger_items_gather(ledger_items *items, al_list **al_out,
			const ledger_args *a, ae_err *err);
void ledger_items_dispose(ledger_items *items);
/* The class of a (claimed or verified) signer and its label (borrowed
 * from `al`). */
ld_class ledger_classify(const al_list *al, const char *issuer,
			 const char *identity, const char **label_out);
/* Computes the report of the gathered, verified, judged items. */
int ledger_compute(ld_corroboration **out, const ledger_items *items,
		   const ledger_args *a, ae_err *err);
/* Renders `c` as a->format and writes it to a->out (stdout, a file, or
 * the feed directory). */
int ledger_report_write(const ld_corroboration *c, const ledger_items *items,
			const ledger_args *a, ae_err *err);

/* cmd/ledger_verify.c */

/* Verifies every claimed (and every ingested) item with o->jobs threads:
 * findings go into the items; the allowlist classifies ingested signers. */
int ledger_items_verify(ledger_items *items, const al_list *al,
			const ledger_verify_opts *o, ae_err *err);

/* cmd/ledger_facts.c */

/* Reads the facts of a verified item: the verdict's signed predicate
 * (ev_verdict_predicate), the snapshot and recipe in the bundle directory
 * `dir`. A fact that cannot be read is unknown, never a
 * finding. AE_ERR on OOM only. */
int ledger_item_facts(ledger_item *it, const ev_verdict *v, const char *dir,
		      ae_err *err);
/* Judges every verified item's freshness against --recipes/--recipe (no
 * current recipe: UNKNOWN). Errors: the recipes could not be read. */
int ledger_items_freshness(ledger_items *items, const ledger_args *a,
			   ae_err *err);

/* cmd/ledger_ingest.c */

/* Adds an item per bundle --ingest, --ingest-file and --ingest-repo name
 * (repositories listed through the registry); duplicates and bundles a
 * pointer already names are dropped. */
int ledger_ingest_add(ledger_items *items, const ledger_args *a, ae_err *err);

#endif /* AE_CMD_LEDGER_H */
