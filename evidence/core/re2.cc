// evidence/core/re2.cc -- RE2 behind the four C calls of re2shim.h
//
// The project's one C++ file: RE2 gives the allowlist and the identity
// flags the reference's dialect (Go's regexp is RE2) instead of an
// emulation. Options are RE2's defaults, which are Go's: UTF-8, Perl
// classes and \b, ^ and $ only at the ends of the text, '.' not matching
// a newline; captures are off (we only ask "does it match"), errors are
// not logged to stderr (nothing below cmd/ prints). No exception leaves
// this file: allocation failure is a code, like everywhere else.
#include "evidence/core/re2shim.h"

#include <re2/re2.h>

#include <cstring>
#include <new>
#include <string>

namespace
{

// Copies `s` into `out` (size `sz`), cut and NUL-terminated.
void shim_copy(char *out, size_t sz, const std::string &s)
{
	size_t n;

	if (out == nullptr || sz == 0)
		return;
	n = s.size() < sz - 1 ? s.size() : sz - 1;
	std::memcpy(out, s.data(), n);
	out[n] = '\0';
}

} // namespace

extern "C" void *ae__re2_new(int *code, char *why, size_t whysz, char *arg,
			     size_t argsz, const char *pat, size_t len,
			     long max_mem)
{
	*code = 0;
	shim_copy(why, whysz, "");
	shim_copy(arg, argsz, "");
	try {
		RE2::Options o;
		o.set_log_errors(false);
		o.set_never_capture(true);
		o.set_max_mem(max_mem);
		RE2 *re = new RE2(re2::StringPiece(pat, len), o);
		if (re->ok())
			return re;
		if (re->error_code() == RE2::ErrorPatternTooLarge) {
			*code = AE__RE2_TOOBIG;
		} else {
			// error() is "<reason>: <arg>"; hand the two over
			// apart, so the caller escapes the pattern's bytes.
			const std::string &e = re->error(),
					  &a = re->error_arg();
			size_t cut = e.size();
			if (!a.empty() && e.size() >= a.size() + 2 &&
			    e.compare(e.size() - a.size(), a.size(), a) == 0)
				cut = e.size() - a.size() - 2;
			*code = AE__RE2_SYNTAX;
			shim_copy(why, whysz, e.substr(0, cut));
			shim_copy(arg, argsz, a);
		}
		delete re;
	} catch (...) { // std::bad_alloc, from RE2 or std::string
		*code = AE__RE2_NOMEM;
	}
	return nullptr;
}

extern "C" size_t ae__re2_cost(const void *re)
{
	int n = static_cast<const RE2 *>(re)->ProgramSize();

	return n > 0 ? static_cast<size_t>(n) : 0;
}

extern "C" int ae__re2_full_match(const void *re, const char *s, size_t len)
{
	const RE2 *r = static_cast<const RE2 *>(re);

	try {
		return r->Match(re2::StringPiece(s, len), 0, len,
				RE2::ANCHOR_BOTH, nullptr, 0)
			       ? 1
			       : 0;
	} catch (...) { // std::bad_alloc growing the DFA's cache
		return -1;
	}
}

extern "C" void ae__re2_free(void *re)
{
	delete static_cast<RE2 *>(re);
}
