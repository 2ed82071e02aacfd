/* ledger/run.h -- what the files of the ledger run share (ledger/run*.c)
 *
 * ledger/run.c reads the ledger's claims (ld_ledger_new), builds the
 * model's runs (ld_ledger_compute) and writes the data feed
 * (ld_feed_write); ledger/run_verify.c fetches and verifies bundles
 * through the run's ld_verifier (ld_ledger_verify);
 * ledger/run_facts.c reads what a verified bundle says beyond its CTRF and
 * judges its freshness against the current recipes
 * (ld_ledger_freshness); ledger/run_ingest.c adds first-party bundles
 * named on the command line or found in a registry repository
 * (ld_ledger_ingest). Private to ledger/: cmd/ledger.c calls the public
 * ld_ledger_* functions of ledger/ledger.h.
 */
#ifndef AE_LEDGER_RUN_H
#define AE_LEDGER_RUN_H

#include "allowlist/allowlist.h"
#include "evidence/evidence.h"
#include "ledger/ledger.h"
#include "oci/oci.h"

/* Bundles one --ingest-file may name, and one --ingest-repo may list. */
#define LD__INGEST_FILE_MAX_BYTES (1u << 20)
#define LD__INGEST_MAX		  10000u
/* Files read from --recipes (one directory level) and --recipe. */
#define LD__RECIPES_MAX 4096u

/* One pointer (or ingested bundle) as gathered: the claim, then what
 * verification made of it. Strings are owned by the item (or borrowed
 * from its pointer). */
typedef struct ld__item {
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
	/* after verification (ld_ledger_verify): `dup` another item of the
	 * same signer holds this bundle, the item is dropped; `resigned` the
	 * bundle is counted for another signer (LD_WHY_RESIGNED) */
	bool dup, resigned;
	/* when the verified signature was made, as it proves (ordering one
	 * bundle's signers: ld_credit_cmp) */
	ev_signed_at signed_at;
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
} ld__item;

struct ld_ledger {
	ld__item *v;
	size_t n, cap;
	bool transient;	  /* some bundle gave no verdict */
	char commit[64];  /* the git commit the ledger was read from, or "" */
	char trust[4400]; /* the trusted root the bundles were verified with */
	const ld_ledger_opts *o; /* borrowed */
	al_list *al;		 /* the ledger's allowlist, NULL: none */
};

/* ledger/run.c */

/* Appends a zeroed item; AE_ERR on OOM (the list unchanged). */
int ld__ledger_add(ld__item **out, ld_ledger *l, ae_err *err);
/* Marks the item unverifiable with a reason; findings, not errors. */
void ld__item_void(ld__item *it, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The class of a (claimed or verified) signer and its label (borrowed
 * from `al`). */
ld_class ld__classify(const al_list *al, const char *issuer,
		      const char *identity, const char **label_out);

/* ledger/run_facts.c */

/* Reads the facts of a verified item: the verdict's signed predicate
 * (ev_verdict_predicate), the snapshot and recipe in the bundle directory
 * `dir`. A fact that cannot be read is unknown, never a
 * finding. AE_ERR on OOM only. */
int ld__item_facts(ld__item *it, const ev_verdict *v, const ld_fetched *x,
		   ae_err *err);

#endif /* AE_LEDGER_RUN_H */
