/* cmd/check_verify.c -- rule 4 of `check`: the run's verifier, built from
 * the command line
 *
 * The contract checker (ledger/) calls ld_verifier_contract_fn from its
 * worker threads, one pointer at a time: the bundle pulled by the pointer's
 * digest and verified against everything the pointer claims
 * (ledger/verify.c, SPEC §5.4). cmd/ only gathers what the verifier needs:
 * the registry flags (a password read from stdin), the cache, the root in
 * force and the fetch timeout.
 */
#include "cmd/cmd.h"

#include <string.h>

int check_verifier_init(check_verifier *v, const cmd_registry_flags *f,
			ae_err *err)
{
	memset(v, 0, sizeof(*v));
	cmd_meter_init(&v->meter, "check", "pointers", f->quiet);
	v->metered = true;
	return cmd_registry_opts(&v->co, &v->password, f, false, err);
}

int check_verifier_start(check_verifier *v, const char *cache,
			 const char *trusted_root,
			 const unsigned char *root_json, size_t root_json_len,
			 uint64_t fetch_timeout_ms, bool offline, ae_err *err)
{
	ld_verifier_opts o;

	memset(&o, 0, sizeof(o));
	o.cache = cache;
	o.offline = offline;
	o.what = "check";
	o.co = v->co;
	o.fetch_timeout_ms = fetch_timeout_ms;
	o.trusted_root = trusted_root;
	o.root_json = root_json;
	o.root_json_len = root_json_len;
	o.on_fetch = ld_progress_host;
	o.on_fetch_ctx = v->meter.lp;
	return ld_verifier_new(&v->v, &o, err);
}

void check_verifier_dispose(check_verifier *v)
{
	if (v->metered)
		cmd_meter_end(&v->meter);
	v->metered = false;
	ld_verifier_free(v->v);
	v->v = NULL;
	cmd_password_free(v->password);
	v->password = NULL;
}
