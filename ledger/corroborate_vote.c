/* ledger/corroborate_vote.c -- what the views and the history share of the
 * model: the state of a check from its votes, whether an entry may speak
 * for its signer, and the merge of a signer's tied runs (reference §4.4)
 *
 * corroborate.c builds the entries, corroborate_grid.c and
 * corroborate_history.c read them; all three stand on this file, which
 * calls none of them.
 */
#include "ledger/internal.h"

#include <stdlib.h>

ld_state ld__check_state(size_t pass, size_t fail)
{
	if (pass == 0 && fail == 0)
		return LD_STATE_UNTESTED;
	if (pass > 0 && fail > 0)
		return LD_STATE_CONTESTED;
	if (fail > 0)
		return LD_STATE_FAILING;
	return pass >= 2 ? LD_STATE_CONFIRMED : LD_STATE_SINGLE;
}

bool ld__entry_selectable(const ld_corroboration *c, const ld_entry *e)
{
	if (e->why == LD_WHY_UNVERIFIED || e->why == LD_WHY_UNVERIFIABLE)
		return false;
	if (e->fresh == LD_FRESH_HISTORICAL && !c->include_historical)
		return false;
	return !(e->dev && c->exclude_dev);
}

int ld__outcomes_merge(ld_outcome **v, size_t *n, const ld_outcome *add,
		       size_t n_add, ae_err *err)
{
	ld_outcome *m = NULL;
	size_t i = 0, j = 0, k = 0;

	if (n_add == 0)
		return 0;
	m = malloc((*n + n_add) * sizeof(*m));
	if (m == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	while (i < *n || j < n_add) {
		if (j == n_add || (i < *n && (*v)[i].row < add[j].row))
			m[k++] = (*v)[i++];
		else if (i == *n || add[j].row < (*v)[i].row)
			m[k++] = add[j++];
		else {
			m[k] = (*v)[i++];
			if (add[j].result > m[k].result)
				m[k].result = add[j].result;
			k++;
			j++;
		}
	}
	free(*v);
	*v = m;
	*n = k;
	return 0;
}
