/* tests/fuzz/image_ref_fuzz.c -- libFuzzer target for what the minimal
 * policy publishes of a validator image reference (evidence/values.c,
 * review finding 13): any bytes as a reference. A refusal names a part
 * inside the reference (its tag or one path component, as
 * evidence/core/imgref.c splits it) and a reason; the judgement is
 * deterministic; a reference the policy would publish holds no '@' but
 * its digest's and its tag and path components each pass on their own.
 */
#include "evidence/internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[600], one[600];
	ev__image_why why, again;
	ae_imgref r;
	bool priv;

	if (size >= sizeof(s) || memchr(data, '\0', size) != NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	priv = ev__image_private(s, &why);
	if (priv != ev__image_private(s, &again) ||
	    memcmp(&why, &again, sizeof(why)) != 0)
		abort(); /* deterministic */
	(void)ev__image_pin_of(s);
	if (priv) {
		if (why.part == NULL || why.reason == NULL || why.len == 0 ||
		    why.at < s || why.at + why.len > s + size)
			abort(); /* the part named is inside the reference */
		ae_imgref_split(&r, s);
		if (strcmp(why.part, "tag") == 0 ? why.at != r.tag
						  : why.at < r.path ||
							    why.at + why.len >
								    r.path + r.path_len)
			abort(); /* and is the part it says */
		return 0;
	}
	if (!ev__image_public(s))
		return 0;
	ae_imgref_split(&r, s);
	if (memchr(s, '@', r.digest ? (size_t)(r.digest - 1 - s) : size))
		abort(); /* an '@' is only the digest's */
	/* each path component, alone as a tag, is judged alike or exempt */
	if (r.path_len + 20 < sizeof(one)) {
		snprintf(one, sizeof(one), "nvcr.io/%.*s", (int)r.path_len,
			 r.path);
		if (ev__image_private(one, &again))
			abort(); /* the path alone is as clean */
	}
	return 0;
}
