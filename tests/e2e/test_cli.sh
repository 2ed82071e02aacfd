#!/usr/bin/env bash
# tests/e2e/test_cli.sh -- the command line's shape: help, version, usage
# errors exit 64.
. "$(dirname "$0")/lib.sh"
t_begin

run help
expect_rc 0 "help exits 0"
expect_out '^usage: aicr-evidence <command>' "help prints the usage line"

run --version
expect_rc 0 "--version exits 0"
expect_out '^aicr-evidence [0-9]+\.[0-9]+\.[0-9]+' "--version prints a version"

run
expect_rc 64 "no command is a usage error"

run no-such-command
expect_rc 64 "an unknown command exits 64"
expect_err "^aicr-evidence: unknown command 'no-such-command'" "the error names the command"

run version extra
expect_rc 64 "version with an argument is a usage error"

t_end
