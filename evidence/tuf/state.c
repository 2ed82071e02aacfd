/* evidence/tuf/state.c -- the verified state object: its readers and its
 * destructor
 *
 * The workflow (update.c) builds a tuf_state, the cache (cache.c) loads
 * and commits one; both stand on this file, which calls neither.
 */
#include "evidence/tuf/internal.h"

#include <stdlib.h>
#include <string.h>

void tuf_state_free(tuf_state *s)
{
	if (s == NULL)
		return;
	for (int i = 0; i < TUF__NTYPES; i++) {
		tuf__meta_free(s->meta[i]);
		ae_buf_dispose(&s->bytes[i]);
	}
	for (size_t i = 0; i < s->ndels; i++) {
		tuf__meta_free(s->dels[i].meta);
		ae_buf_dispose(&s->dels[i].bytes);
	}
	free(s->dels);
	for (size_t i = 0; i < s->nwanted; i++)
		ae_buf_dispose(&s->wanted[i].data);
	free(s->url);
	free(s);
}

const char *tuf_state_url(const tuf_state *s)
{
	return s->url;
}

static const tuf__meta *state_role(const tuf_state *s, const char *role)
{
	for (int i = 0; role != NULL && i < TUF__NTYPES; i++)
		if (strcmp(role, tuf__type_name(i)) == 0)
			return s->meta[i];
	return NULL;
}

int64_t tuf_state_version(const tuf_state *s, const char *role)
{
	const tuf__meta *m = state_role(s, role);

	return m ? m->version : 0;
}

int64_t tuf_state_expires(const tuf_state *s, const char *role)
{
	const tuf__meta *m = state_role(s, role);

	return m ? m->expires : 0;
}

const unsigned char *tuf_state_target(const tuf_state *s, const char *name,
				      size_t *len_out)
{
	*len_out = 0;
	for (size_t i = 0; i < s->nwanted; i++)
		if (s->wanted[i].found &&
		    strcmp(s->wanted[i].name, name) == 0) {
			*len_out = s->wanted[i].data.len;
			return s->wanted[i].data.data;
		}
	return NULL;
}

const char *tuf_state_expired(const tuf_state *s)
{
	return s->expired;
}

int64_t tuf_state_updated_at(const tuf_state *s)
{
	return s->updated_at;
}

bool tuf_state_unchanged(const tuf_state *s)
{
	return s->unchanged;
}

const unsigned char *tuf_public_good_root(size_t *len_out)
{
	*len_out = tuf__public_good_root_len;
	return (const unsigned char *)tuf__public_good_root;
}
