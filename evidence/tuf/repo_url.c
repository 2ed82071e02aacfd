/* evidence/tuf/repo_url.c -- a TUF repository's URL as the cache knows it
 *
 * One cache per repository: "https://x/" is "https://x", so the URL is
 * kept without its trailing slashes (its hash names the cache directory,
 * tuf_cache_dir), and it must pass the one URL policy (https; plain http
 * only to loopback) before anything is asked of it.
 */
#include "evidence/tuf/tuf.h"
#include "evidence/core/http.h"

#include <string.h>

int tuf_repo_url(char *out, const char *url, ae_err *err)
{
	size_t n = strlen(url);
	ae_url u;

	if (n >= AE_URL_MAX)
		return ae_fail(err, AE_ETOOBIG, "--tuf-url: too long");
	memcpy(out, url, n + 1);
	while (n > 0 && out[n - 1] == '/')
		out[--n] = '\0';
	return ae_url_check(&u, out, NULL, NULL, AE_URL_PLAIN_LOOPBACK,
			    "--tuf-url", err);
}
