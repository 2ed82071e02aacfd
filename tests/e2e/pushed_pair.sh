# tests/e2e/pushed_pair.sh -- the fixture test_attack_verifier.sh and
# test_cache_stamp.sh share (sourced after lib.sh and registry.sh).
#
#   pushed_pair EXAMPLES   starts a local registry (stopped at exit) and
#                          sets R (its host); emits bundle A from the
#                          recipes/examples directory EXAMPLES and B (A with
#                          one line more in its recipe: another layer),
#                          pushes both (DA, DB: their manifest digests) and
#                          pulls each once into the cache C=$T_WORK/cache.
#                          Five checks; returns 1 when the registry does
#                          not start.
pushed_pair() {
	local ex=$1 w=$T_WORK
	if ! reg_start "$w/reg"; then
		bad "registry starts"
		return 1
	fi
	t_cleanup "reg_stop $w/reg"
	R=$REG_HOST
	run emit --recipe "$ex/recipe.yaml" --snapshot "$ex/snapshot.yaml" --ctrf "$ex/ctrf" -o "$w/A"
	expect_rc 0 "emit bundle A"
	cp -a "$w/A" "$w/B" && printf '\nextra: b\n' >>"$w/B/summary-bundle/recipe.yaml"
	rm -f "$w/B/summary-bundle/manifest.json"
	run push "$w/A" --to "$R/ev/a:v1" --registry-plain-http --format json
	expect_rc 0 "push A"
	DA=$(jq -r .digest "$T_OUT")
	run push "$w/B" --to "$R/ev/a:v2" --registry-plain-http --format json
	expect_rc 0 "push B (another layer)"
	DB=$(jq -r .digest "$T_OUT")
	C=$w/cache
	run pull "$R/ev/a@$DA" --to "$w/pa" --cache "$C" --registry-plain-http
	expect_rc 0 "pull A, fresh"
	run pull "$R/ev/a@$DB" --to "$w/pb" --cache "$C" --registry-plain-http
	expect_rc 0 "pull B, fresh"
}
