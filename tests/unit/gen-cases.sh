#!/bin/sh
# tests/unit/gen-cases.sh -- emits the case table for runner.c from the
# `void test_<module>__<case>(void)` definitions in the given files.
set -eu
grep -ho '^void test_[a-z0-9_]*__[a-z0-9_]*(' "$@" | sed 's/^void //; s/($//' > /tmp/ae-cases.$$ || true
hooks=$(grep -E '__(initialize|cleanup)$' /tmp/ae-cases.$$ || true)
cases=$(grep -vE '__(initialize|cleanup)$' /tmp/ae-cases.$$ || true)
rm -f /tmp/ae-cases.$$
for f in $hooks $cases; do echo "void $f(void);"; done
echo "static const struct t_case t_cases[] = {"
for c in $cases; do
	mod=${c#test_}; mod=${mod%%__*}
	init=NULL; clean=NULL
	echo "$hooks" | grep -qx "test_${mod}__initialize" && init="test_${mod}__initialize"
	echo "$hooks" | grep -qx "test_${mod}__cleanup" && clean="test_${mod}__cleanup"
	echo "	{\"$c\", $c, $init, $clean},"
done
echo "	{NULL, NULL, NULL, NULL},"
echo "};"
