#!/usr/bin/env bash
# tests/e2e/test_dates_round_trip.sh -- a date the tool writes, it reads
# back (review finding, LOW): `trust show --at` reported year 0 as
# "0-01-01T00:00:00Z" and year 999 as "999-06-01T...", strftime's %Y, and
# an offset carried an accepted --at outside 0000-9999 ("-1-12-31T...",
# "10000-01-01T..."): strings --at itself refused. Dates are now written by
# the one routine (ae_time_format, four-digit years), and an instant
# outside 0000-9999 UTC is refused when read (docs/formats.md "Dates").
. "$(dirname "$0")/lib.sh"
t_begin
for at in 0000-01-01T00:00:00Z 0999-06-01T00:00:00Z 0000-01-01T00:00:00-23:59 \
	9999-12-31T23:59:59+23:59 2024-02-29T12:00:00+05:30; do
	run trust show --cache "$T_WORK/none" --at "$at" --format json
	got=$(jq -r '.at // empty' "$T_OUT" 2>/dev/null)
	if [ "$T_RC" != 0 ] || [ -z "$got" ]; then
		bad "--at $at is read" "exit $T_RC, at '$got': $(head -c 200 "$T_ERR")"
		continue
	fi
	run trust show --cache "$T_WORK/none" --at "$got" --format json
	[ "$T_RC" = 0 ] && [ "$(jq -r '.at // empty' "$T_OUT")" = "$got" ] &&
		ok "--at $at is written as $got, which reads back to itself" ||
		bad "--at $at is written as $got, which reads back to itself" "exit $T_RC: $(head -c 200 "$T_ERR")"
done
for at in 0000-01-01T00:00:00+00:01 9999-12-31T23:59:59-00:01 0000-01-01T00:00:00+23:59; do
	run trust show --cache "$T_WORK/none" --at "$at" --format json
	expect_rc 64 "--at $at (outside 0000-9999 in UTC) is refused"
done
t_end
