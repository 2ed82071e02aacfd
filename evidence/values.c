/* evidence/values.c -- what a published value may look like
 *
 * The minimization policy keeps a field only when its value has the shape
 * the field is for: a Kubernetes version looks like one, a count is a few
 * digits, a boolean is true or false, an enumeration is one of its members
 * (issue 24 items 3-5). A host name, an account number, a URL with a
 * password or a sentence does not fit those shapes, so it is dropped even
 * where it hides under a kept key. Each kind is a small hand-written
 * matcher (no regex engine: the shapes are simple and the cost per value
 * must stay negligible next to the CTRF bytes emit streams); docs/formats.md
 * lists the kinds with their patterns.
 */
#include "evidence/internal.h"
#include "evidence/evidence.h"

#include <string.h>

static bool val_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool val_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

static bool val_alnum(char c)
{
	return val_digit(c) || val_lower(c) || (c >= 'A' && c <= 'Z');
}

static bool val_in(const char *const *set, const char *s)
{
	for (; *set != NULL; set++) {
		if (strcmp(*set, s) == 0)
			return true;
	}
	return false;
}

/* Consumes 1..max digits at *p. */
static bool val_digits(const char **p, size_t max)
{
	size_t n = 0;

	while (val_digit(**p) && n < max) {
		(*p)++;
		n++;
	}
	return n > 0 && !val_digit(**p);
}

/* True iff every byte of s is in [A-Za-z0-9] or in `extra`, the length is
 * 1..max, and the first byte is alphanumeric. */
static bool val_word(const char *s, const char *extra, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n > max || !val_alnum(s[0]))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!val_alnum(s[i]) && strchr(extra, s[i]) == NULL)
			return false;
	}
	return true;
}

/* The `n` bytes at s are [a-z0-9] runs joined by single separators from
 * `seps` (no NUL among them). */
static bool val_runs_n(const char *s, size_t n, const char *seps)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		bool sep = s[i] != '\0' && strchr(seps, s[i]) != NULL;
		if (sep && (i == 0 || i + 1 == n || strchr(seps, s[i + 1])))
			return false;
		if (!sep && !val_lower(s[i]) && !val_digit(s[i]))
			return false;
	}
	return true;
}

/* [a-z0-9] runs joined by single separators from `seps`, 1..max bytes. */
static bool val_runs(const char *s, const char *seps, size_t max)
{
	size_t n = strlen(s);

	return n <= max && val_runs_n(s, n, seps);
}

/* `v?N.N[.N[.N]]` then an optional `-`/`+`/`~` suffix of [0-9A-Za-z.+~-]:
 * versions of Kubernetes, runtimes, tools and catalogs. */
static bool val_version(const char *s, int min_dots)
{
	const char *p = s;
	int dots = 0;

	if (*p == 'v')
		p++;
	if (!val_digits(&p, 5))
		return false;
	while (*p == '.' && dots < 3) {
		p++;
		if (!val_digits(&p, 5))
			return false;
		dots++;
	}
	if (dots < min_dots)
		return false;
	if (*p == '\0')
		return true;
	if (*p != '-' && *p != '+' && *p != '~')
		return false;
	return val_word(p + 1, ".+~-", 64);
}

/* RFC 3339 as Go writes a time.Time (AE_TIME_GO): a real date and time,
 * YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM), at most 40 bytes. */
static bool val_rfc3339(const char *s)
{
	ae_time t;

	return strlen(s) <= 40 &&
	       ae_time_parse_rfc3339(&t, s, strlen(s), AE_TIME_GO, NULL) == 0;
}

/* Text a distribution or a GPU names itself with ("Ubuntu 22.04.5 LTS",
 * "NVIDIA H100 80GB HBM3"): 1..64 bytes of letters, digits, space and
 * ._(),/+-, starting alphanumeric, no two spaces in a row. A product name
 * has a capital or a space in it ("Ubuntu", "Amazon Linux 2"), a VERSION
 * starts with a digit ("2", "12 (bookworm)"): a host name has neither
 * ("acme-gpu-07", "worker7"). */
static bool val_text(const char *s)
{
	bool capital = false;

	if (!val_word(s, " ._(),/+-", 64))
		return false;
	for (const char *p = s; *p != '\0'; p++)
		capital = capital || (*p >= 'A' && *p <= 'Z') || *p == ' ';
	return strstr(s, "  ") == NULL && s[strlen(s) - 1] != ' ' &&
	       (capital || val_digit(s[0]));
}

/* An os-release identifier (ID, VERSION_ID, VERSION_CODENAME; os-release(5):
 * lower-case letters, digits and ._-): 1..32 bytes. */
static bool val_os_id(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 32 || !(val_lower(s[0]) || val_digit(s[0])))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!val_lower(s[i]) && !val_digit(s[i]) &&
		    strchr("._-", s[i]) == NULL)
			return false;
	}
	return true;
}

/* ID_LIKE: up to 8 os-release identifiers separated by single spaces. */
static bool val_os_id_list(const char *s)
{
	char part[33];
	int parts = 0;

	while (*s != '\0') {
		size_t n = strcspn(s, " ");
		if (n == 0 || n >= sizeof(part) || ++parts > 8)
			return false;
		memcpy(part, s, n);
		part[n] = '\0';
		if (!val_os_id(part))
			return false;
		s += n;
		if (*s == ' ' && *++s == '\0')
			return false;
	}
	return parts > 0;
}

/* goN.N[.N] with an optional [a-z0-9] pre-release ("go1.24rc1"). */
static bool val_go_version(const char *s)
{
	const char *p = s + 2;

	if (strncmp(s, "go", 2) != 0 || !val_digits(&p, 2) || *p++ != '.' ||
	    !val_digits(&p, 3))
		return false;
	if (*p == '.') {
		p++;
		if (!val_digits(&p, 3))
			return false;
	}
	return *p == '\0' || val_runs(p, "", 16);
}

/* os/arch[/variant]: "linux/amd64", "linux/arm64/v8". */
static bool val_platform(const char *s)
{
	char os[17], arch[17];
	size_t a = strcspn(s, "/"), b;

	if (a == 0 || a >= sizeof(os) || s[a] != '/')
		return false;
	memcpy(os, s, a);
	os[a] = '\0';
	b = strcspn(s + a + 1, "/");
	if (b == 0 || b >= sizeof(arch))
		return false;
	memcpy(arch, s + a + 1, b);
	arch[b] = '\0';
	if (!val_runs(os, "", 16) || !val_runs(arch, "_", 16))
		return false;
	s += a + 1 + b;
	return *s == '\0' ||
	       (s[0] == '/' && s[1] == 'v' && val_digit(s[2]) && s[3] == '\0');
}

/* A CTRF test or suite name: 1..128 bytes of [A-Za-z0-9._/-], starting
 * and ending alphanumeric. */
static bool val_test_name(const char *s)
{
	size_t n = strlen(s);

	return val_word(s, "._/-", 128) && val_alnum(s[n - 1]);
}

/* Known members of the enumerations (docs/formats.md). */
static const char *const val_services[] = {"aks",  "bcm", "eks", "gke",
					   "kind", "lke", "oke", NULL};
static const char *const val_accelerators[] = {"a100",	"b200",		"gb200",
					       "gb300", "h100",		"h200",
					       "l40",	"rtx-pro-6000", NULL};
static const char *const val_providers[] = {
	"aks", "aws",  "azure",	 "bcm", "eks", "gce", "gcp",
	"gke", "kind", "linode", "lke", "oci", "oke", NULL};
static const char *const val_runtimes[] = {"containerd", "cri-o", "docker",
					   NULL};
static const char *const val_detection[] = {"gfd", "nfd", "nvidia-smi", "pci",
					    NULL};
static const char *const val_sources[] = {
	/* ours (evidence/snapshot.c) */
	"GPU.hardware", "GPU.hardware.model", "K8s.node.provider",
	"K8s.server.version", "NodeTopology.label", "NodeTopology.summary",
	"OS.release", "snapshot.fingerprint",
	/* the reference's collectors (pkg/fingerprint) */
	"gpu.hardware.model", "k8s.node.provider", "k8s.server.version",
	"nodeTopology.label.nvidia.com/gpu.product",
	"nodeTopology.label.topology.kubernetes.io/region",
	"nodeTopology.summary.node-count", "os.release", NULL};
static const char *const val_notes[] = {"multi-gpu", "multi-region",
					"unknown-sku", NULL};
static const char *const val_generators[] = {"aicr", "aicr validate",
					     "aicr-evidence", NULL};

/* The class of an alphanumeric byte: 0 digit, 1 lower, 2 upper. */
static int val_class(char c)
{
	return val_digit(c) ? 0 : val_lower(c) ? 1 : 2;
}

static bool val_hex(char c)
{
	return val_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* True iff the run s[0..n) of letters and digits reads as hex (16+ hex
 * digits mixing digits and letters: a digest, a machine id) or base32 (20+
 * bytes of upper case and 3+ digits). */
static bool val_blob_run(const char *s, size_t n)
{
	size_t hex = 0, digits = 0, lower = 0;

	for (size_t i = 0; i < n; i++) {
		hex += val_hex(s[i]);
		digits += val_digit(s[i]);
		lower += val_lower(s[i]);
	}
	if (n >= 16 && hex == n && digits > 0 && digits < n)
		return true;
	return n >= 20 && lower == 0 && digits >= 3 && n - digits >= 3;
}

/* True iff the letters and digits of s[0..n) (other bytes skipped), at
 * least `min` of them, read as base64 or a random id rather than words:
 * they switch between digits, lower and upper case at 40% or more of
 * their positions, and under 70% of their lower-case letters stand in runs
 * of three or more. Random base64 switches at about 65% with most
 * lower-case letters alone or in pairs; a CamelCase name
 * (TestEmit_FullKeepsRawSnapshot, IsCertChainError) switches as often but
 * its lower case comes in words. */
static bool val_blob_mixed(const char *s, size_t n, size_t min)
{
	size_t alnum = 0, sw = 0, lower = 0, lower3 = 0, run = 0;
	int prev = -1;

	for (size_t i = 0; i <= n; i++) {
		bool end = i == n || !val_lower(s[i]);
		if (end && run > 0) {
			lower += run;
			lower3 += run >= 3 ? run : 0;
			run = 0;
		}
		if (i == n || !val_alnum(s[i]))
			continue;
		if (val_lower(s[i]))
			run++;
		if (prev >= 0 && val_class(s[i]) != prev)
			sw++;
		prev = val_class(s[i]);
		alnum++;
	}
	return alnum >= min && sw * 10 >= (alnum - 1) * 4 &&
	       (lower == 0 || lower3 * 10 < lower * 7);
}

static bool val_b64(char c)
{
	return val_alnum(c) || (c != '\0' && strchr("+/=_-", c) != NULL);
}

/* Credentials by the prefixes their issuers give them (review finding 13):
 * a prefix at the start of a word (no letter or digit before it) followed
 * by at least `min` bytes of the token's alphabet ([A-Za-z0-9] and
 * `extra`; [A-Z0-9] only for TOK_UPPER). A token's random part is often
 * too short or too regular for the heuristics below (AWS's documented
 * AKIAIOSFODNN7EXAMPLE switches case twice). Where the prefix is a common
 * word start (sk-, eyJ), the body must also hold a digit and a letter
 * (TOK_MIXED), as a random token of that length almost always does and a
 * name (sk-learn-compatibility-suite) does not. */
#define TOK_UPPER 1
#define TOK_MIXED 2
static const struct val_token {
	const char *prefix;
	size_t min;
	const char *extra;
	int flags;
	const char *name;
} val_tokens[] = {
	{"ghp_", 20, "", 0, "a GitHub token"},
	{"gho_", 20, "", 0, "a GitHub token"},
	{"ghu_", 20, "", 0, "a GitHub token"},
	{"ghs_", 20, "", 0, "a GitHub token"},
	{"ghr_", 20, "", 0, "a GitHub token"},
	{"github_pat_", 20, "_", 0, "a GitHub token"},
	{"glpat-", 16, "_-", 0, "a GitLab token"},
	{"gldt-", 16, "_-", 0, "a GitLab token"},
	{"glrt-", 16, "_-", 0, "a GitLab token"},
	{"glptt-", 16, "_-", 0, "a GitLab token"},
	{"xoxa-", 10, "-", 0, "a Slack token"},
	{"xoxb-", 10, "-", 0, "a Slack token"},
	{"xoxp-", 10, "-", 0, "a Slack token"},
	{"xoxo-", 10, "-", 0, "a Slack token"},
	{"xoxr-", 10, "-", 0, "a Slack token"},
	{"xoxs-", 10, "-", 0, "a Slack token"},
	{"xapp-", 10, "-", 0, "a Slack token"},
	{"AKIA", 16, "", TOK_UPPER, "an AWS access key id"},
	{"ASIA", 16, "", TOK_UPPER, "an AWS access key id"},
	{"AGPA", 16, "", TOK_UPPER, "an AWS access key id"},
	{"AIDA", 16, "", TOK_UPPER, "an AWS access key id"},
	{"AROA", 16, "", TOK_UPPER, "an AWS access key id"},
	{"AIPA", 16, "", TOK_UPPER, "an AWS access key id"},
	{"ANPA", 16, "", TOK_UPPER, "an AWS access key id"},
	{"ANVA", 16, "", TOK_UPPER, "an AWS access key id"},
	{"APKA", 16, "", TOK_UPPER, "an AWS access key id"},
	{"AIza", 30, "_-", 0, "a Google API key"},
	{"ya29.", 20, "_-.", 0, "a Google OAuth token"},
	{"eyJ", 10, "_-", TOK_MIXED, "a JWT or base64 JSON"},
	{"nvapi-", 20, "_-", 0, "an NVIDIA API key"},
	{"hf_", 30, "", 0, "a Hugging Face token"},
	{"npm_", 30, "", 0, "an npm token"},
	{"pypi-", 30, "_-", 0, "a PyPI token"},
	{"dckr_pat_", 20, "_-", 0, "a Docker token"},
	{"sk_live_", 16, "", 0, "a Stripe key"},
	{"rk_live_", 16, "", 0, "a Stripe key"},
	{"sk-proj-", 20, "_-", 0, "an OpenAI key"},
	{"sk-ant-", 20, "_-", 0, "an Anthropic key"},
	{"sk-", 20, "_-", TOK_MIXED, "a secret key"},
};

/* True iff byte c is in token t's alphabet. */
static bool val_token_byte(const struct val_token *t, char c)
{
	if (t->flags & TOK_UPPER)
		return val_digit(c) || (c >= 'A' && c <= 'Z');
	return val_alnum(c) || (c != '\0' && strchr(t->extra, c) != NULL);
}

/* The kind of credential token `s` holds (above); NULL when none. */
static const char *val_token(const char *s)
{
	size_t n = strlen(s);

	for (size_t i = 0; i < n; i++) {
		if (i > 0 && val_alnum(s[i - 1]))
			continue;
		for (size_t k = 0;
		     k < sizeof(val_tokens) / sizeof(val_tokens[0]); k++) {
			const struct val_token *t = &val_tokens[k];
			size_t m = strlen(t->prefix), j = i + m;
			size_t digits = 0, letters = 0;
			if (strncmp(s + i, t->prefix, m) != 0)
				continue;
			for (; j < n && val_token_byte(t, s[j]); j++) {
				digits += val_digit(s[j]);
				letters += val_alnum(s[j]) && !val_digit(s[j]);
			}
			if (j - i - m >= t->min &&
			    (!(t->flags & TOK_MIXED) ||
			     (digits > 0 && letters > 0)))
				return t->name;
		}
	}
	return NULL;
}

/* True iff `s` carries an encoded value (issue 24: private data must not
 * ride in a field that is kept because its shape fits, base64'd or as an
 * id): a segment or run the rules above flag, or a UUID (8-4-4-4-12 hex
 * digits). Kept fields are names, versions and counts. */
static bool val_blob(const char *s)
{
	static const size_t uuid[] = {8, 4, 4, 4, 12};
	size_t n = strlen(s);

	if (val_token(s) != NULL)
		return true;

	for (size_t i = 0; i < n;) {
		size_t j = i;
		if (!val_b64(s[i])) {
			i++;
			continue;
		}
		while (j < n && val_b64(s[j]))
			j++;
		if (val_blob_mixed(s + i, j - i, 16))
			return true;
		i = j;
	}
	for (size_t i = 0; i < n;) {
		size_t j = i, k = 0, at = i;
		if (!val_alnum(s[i])) {
			i++;
			continue;
		}
		while (j < n && val_alnum(s[j]))
			j++;
		if (val_blob_run(s + i, j - i) ||
		    val_blob_mixed(s + i, j - i, 12))
			return true;
		for (; k < 5; k++) { /* a UUID starting here */
			size_t m = 0;
			while (at + m < n && val_hex(s[at + m]))
				m++;
			if (m != uuid[k] ||
			    (k < 4 && (at + m >= n || s[at + m] != '-')))
				break;
			at += m + 1;
		}
		if (k == 5)
			return true;
		i = j;
	}
	return false;
}

/* ---- host names, addresses, e-mails, URLs, paths (review finding 01) ----
 *
 * A kept field holds a name, a version or a count; none of them is written
 * as a network location. So no published value may hold: an '@' (user@host,
 * e-mail) or a ':' (URL, IPv6, host:port; only a timestamp has one, and it
 * is parsed whole); an IPv4 address, dotted or in the dashed or underscored
 * form cloud host names carry (ip-10-0-12-34); a dotted name ending in a
 * private or local DNS suffix or a cloud provider's host domain; a GKE or
 * AKS node name; a path ("//", "/." or a '/' after a space or '('). */

/* Private and local names (RFC 6761, 6762, 8375, the names resolvers and
 * clusters use) and the domains cloud providers give their machines and
 * clusters. A dotted name holding one of them after its first label
 * (label-whole, case-insensitive: node7.acme.corp, db.internal.acme.net,
 * vm1.internal.cloudapp.net) names a machine. */
static const char *const val_private_names[] = {
	"internal", "local", "localdomain", "localhost", "lan", "home", "corp",
	"intranet", "intra", "private", "priv", "svc", "arpa", "in-addr",
	/* cloud machines' and clusters' domains */
	"amazonaws.com", "cloudapp.net", "cloudapp.azure.com", "azmk8s.io",
	"googleusercontent.com", "oraclevcn.com", "linodeusercontent.com",
	"ipv6-literal.net", NULL};

static char val_fold(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* True iff the dotted name s[0..n) holds one of the names above at a
 * label after its first, ending at a label's end. */
static bool val_private_name(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '.')
			continue;
		for (size_t k = 0; val_private_names[k] != NULL; k++) {
			const char *x = val_private_names[k];
			size_t m = strlen(x), c = 0;
			while (c < m && i + 1 + c < n &&
			       val_fold(s[i + 1 + c]) == x[c])
				c++;
			if (c == m && (i + 1 + m == n || s[i + 1 + m] == '.'))
				return true;
		}
	}
	return false;
}

/* Reads one decimal octet (1-3 digits, at most 255) at *p. */
static bool val_octet(const char **p)
{
	unsigned v = 0;
	size_t n = 0;

	while (val_digit(**p) && n < 4) {
		v = v * 10 + (unsigned)(**p - '0');
		(*p)++;
		n++;
	}
	return n >= 1 && n <= 3 && v <= 255;
}

/* True iff an IPv4 address starts at s + i: four octets joined by `sep`,
 * one or more of it (10--0--12--34, 10..0..12..34 read as well as
 * 10-0-12-34: review satk4 01, 04), with no digit right before or after
 * (a fifth group does not make it less of an address: 10.0.12.34.5,
 * v1.0-10-0-12-34). One kind of separator: 3.3.9-3.6.1 is a version. */
static bool val_ipv4_at(const char *s, size_t i, char sep)
{
	const char *p = s + i;

	if (i > 0 && val_digit(s[i - 1]))
		return false;
	for (int k = 0; k < 4; k++) {
		if (!val_octet(&p))
			return false;
		if (k < 3 && *p != sep)
			return false;
		while (k < 3 && *p == sep)
			p++;
	}
	return !val_digit(*p);
}

/* True iff s[0..n) starts with the word `w` (lower case), in any case. */
static bool val_word_at(const char *s, size_t n, const char *w)
{
	size_t m = strlen(w);

	if (n < m)
		return false;
	for (size_t k = 0; k < m; k++)
		if (val_fold(s[k]) != w[k])
			return false;
	return true;
}

/* A separator of a node name's parts: the machine's own '-', or the '_'
 * a tag or a label may carry it with. */
static bool val_node_sep(char c)
{
	return c == '-' || c == '_';
}

/* True iff the [A-Za-z0-9_-] token s[0..n) is a GKE node name
 * (gke-CLUSTER-POOL-<8 hex>-<4>) or an AKS one (aks-POOL-<8 digits>-vmss…
 * or -<N>), in any case and with '_' for '-' (GKE-PROD-…, aks_nodepool1_…:
 * review satk4 02). */
static bool val_node_name(const char *s, size_t n)
{
	size_t parts = 0, hex8 = 0, dig8 = 0, vmss = 0, last = 0;

	if (n < 8 || !val_node_sep(s[3]) ||
	    (!val_word_at(s, n, "gke") && !val_word_at(s, n, "aks")))
		return false;
	for (size_t i = 0; i <= n;) {
		size_t j = i, h = 0, d = 0;
		while (j < n && !val_node_sep(s[j])) {
			h += val_hex(s[j]);
			d += val_digit(s[j]);
			j++;
		}
		parts++;
		hex8 += j - i == 8 && h == 8 && d > 0;
		dig8 += j - i == 8 && d == 8;
		vmss += j - i > 4 && val_word_at(s + i, j - i, "vmss");
		last = j - i;
		i = j + 1;
	}
	if (val_fold(s[0]) == 'g')
		return parts >= 4 && hex8 > 0 && last == 4;
	return parts >= 3 && (vmss > 0 || dig8 > 0);
}

/* What in `s` names or locates a machine, a person or a file (above);
 * NULL when nothing. */
static const char *val_locator_why(const char *s)
{
	size_t n = strlen(s);

	if (strpbrk(s, "@:\\") != NULL)
		return "an '@', ':' or '\\' (an e-mail, a URL, an address)";
	if (strstr(s, "//") != NULL || strstr(s, "/.") != NULL ||
	    strstr(s, " /") != NULL || strstr(s, "(/") != NULL)
		return "a path";
	for (size_t i = 0; i < n; i++) {
		if (val_digit(s[i]) &&
		    (val_ipv4_at(s, i, '.') || val_ipv4_at(s, i, '-') ||
		     val_ipv4_at(s, i, '_')))
			return "an IPv4 address";
	}
	for (size_t i = 0; i < n;) { /* dotted names and node names */
		size_t j = i, dots = 0;
		if (!val_alnum(s[i])) {
			i++;
			continue;
		}
		while (j < n && (val_alnum(s[j]) || s[j] == '-' ||
				 s[j] == '_' || s[j] == '.')) {
			dots += s[j] == '.';
			j++;
		}
		while (j > i && s[j - 1] == '.')
			j--;
		if (dots > 0 && val_private_name(s + i, j - i))
			return "a private or cloud DNS name";
		for (size_t a = i; a + 4 <= j; a++) {
			size_t b = a;
			while (b < j && (val_alnum(s[b]) || val_node_sep(s[b])))
				b++;
			if (val_node_name(s + a, b - a))
				return "a GKE or AKS node name";
		}
		i = j + 1;
	}
	return NULL;
}

/* True iff `s` names or locates a machine, a person or a file (above). */
static bool val_locator(const char *s)
{
	return val_locator_why(s) != NULL;
}

static bool val_shape_ok(ev__vkind kind, const char *s);

bool ev__value_ok(ev__vkind kind, const char *s)
{
	return s != NULL && val_shape_ok(kind, s) && !val_blob(s) &&
	       (kind == EV__V_TIMESTAMP || !val_locator(s));
}

static bool val_shape_ok(ev__vkind kind, const char *s)
{
	switch (kind) {
	case EV__V_COUNT:
		return val_digits(&s, 5) && *s == '\0';
	case EV__V_BOOL:
		return strcmp(s, "true") == 0 || strcmp(s, "false") == 0;
	case EV__V_VERSION:
		return val_version(s, 1);
	case EV__V_K8S_VERSION:
		return val_version(s, 1) && strlen(s) <= 64;
	case EV__V_KERNEL:
		return val_version(s, 1) && s[0] != 'v';
	case EV__V_GO_VERSION:
		return val_go_version(s);
	case EV__V_PLATFORM:
		return val_platform(s);
	case EV__V_TEXT:
		return val_text(s);
	case EV__V_OS_ID:
		return val_os_id(s);
	case EV__V_OS_ID_LIST:
		return val_os_id_list(s);
	case EV__V_OS_NAME:
		return strcmp(s, "linux") == 0 || strcmp(s, "windows") == 0;
	case EV__V_PROVIDER:
		return val_in(val_providers, s);
	case EV__V_RUNTIME:
		return val_in(val_runtimes, s);
	case EV__V_DETECTION:
		return val_in(val_detection, s);
	case EV__V_SERVICE:
		return val_in(val_services, s);
	case EV__V_ACCELERATOR:
		return val_in(val_accelerators, s);
	case EV__V_SOURCE:
		return val_in(val_sources, s);
	case EV__V_NOTE:
		return val_in(val_notes, s);
	case EV__V_TIMESTAMP:
		return val_rfc3339(s);
	case EV__V_API_VERSION: {
		const char *slash = strchr(s, '/');
		char group[64];
		size_t g = slash ? (size_t)(slash - s) : 0;
		if (g == 0 || g >= sizeof(group))
			return false;
		memcpy(group, s, g);
		group[g] = '\0';
		return val_runs(group, ".-", 63) && slash[1] == 'v' &&
		       val_word(slash + 2, "", 16) && val_digit(slash[2]);
	}
	case EV__V_TEST_NAME:
		return val_test_name(s);
	case EV__V_TOOL_NAME:
		return val_runs(s, "._/-", 64);
	case EV__V_SPEC_VERSION: {
		const char *p = s;
		return val_digits(&p, 3) && *p++ == '.' && val_digits(&p, 3) &&
		       *p++ == '.' && val_digits(&p, 3) && *p == '\0';
	}
	case EV__V_GENERATOR:
		return val_in(val_generators, s);
	}
	return false;
}

/* Registries that serve public images; a validator image on any other host
 * names an internal registry and stays out of the predicate (issue 24
 * item 5). */
static const char *const val_public_registries[] = {
	"docker.io",	   "gcr.io",
	"ghcr.io",	   "mcr.microsoft.com",
	"nvcr.io",	   "public.ecr.aws",
	"quay.io",	   "registry.gitlab.com",
	"registry.k8s.io", NULL};

/* A tag: [A-Za-z0-9_][A-Za-z0-9._-]{0,127} (the distribution grammar). */
static bool val_tag(const char *s, size_t n)
{
	if (n == 0 || n > 128 || s[0] == '.' || s[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!val_alnum(s[i]) && strchr("_.-", s[i]) == NULL)
			return false;
	}
	return true;
}

bool ev__image_public(const char *image)
{
	ae_imgref r;
	char host[64];

	if (image == NULL || strlen(image) > 512)
		return false;
	ae_imgref_split(&r, image);
	if (r.host == NULL || r.host_len >= sizeof(host))
		return false;
	memcpy(host, r.host, r.host_len);
	host[r.host_len] = '\0';
	if (!val_in(val_public_registries, host))
		return false;
	if (r.digest != NULL && !ae_imgref_pinned(&r))
		return false;
	if (r.tag == NULL && r.digest == NULL)
		return false; /* neither a tag nor a digest pins it */
	if (r.tag != NULL && !val_tag(r.tag, r.tag_len))
		return false;
	if (r.path_len == 0 || r.path_len >= 256)
		return false;
	/* path components: [a-z0-9] runs joined by . _ - , split by / */
	return val_runs_n(r.path, r.path_len, "._-/");
}

ev__image_pin ev__image_pin_of(const char *image)
{
	ae_imgref r;

	ae_imgref_split(&r, image);
	if (ae_imgref_pinned(&r))
		return EV__IMAGE_FIXED;
	if ((r.tag == NULL || r.tag_len == 0) && r.digest == NULL)
		return EV__IMAGE_UNTAGGED;
	if (ae_imgref_tag_is(&r, "latest") || ae_imgref_tag_is(&r, "edge"))
		return EV__IMAGE_MUTABLE_TAG;
	return EV__IMAGE_FIXED;
}

/* ---- the tag and path of a published image (review finding 13) ----
 *
 * The registry host is held to the list above; the tag and each path
 * component to what every kept value is held to (no locator, no token, no
 * encoded value), so a tag or a repository named after a node, an address
 * or a secret is not signed into a public bundle. A tag that reads as a
 * version, a commit id or a date is exempt from the encoded-value
 * heuristic only (a long commit id is 40 hex digits; v1.2.3-rc1-amd64-
 * cuda12-py3 switches case like random base64): never from the locator or
 * token rules. */

#define TAG_SEPS "-_."

/* The length of the segment at s[0..n) up to a separator. */
static size_t tag_seg(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && strchr(TAG_SEPS, s[i]) == NULL)
		i++;
	return i;
}

/* [a-z]{0,16}[0-9]{0,14}, not empty: rc1, beta, cuda12, py3, ubuntu22,
 * 04, amd64, slim, bookworm. */
static bool tag_word(const char *s, size_t n)
{
	size_t i = 0, a = 0, d = 0;

	while (i < n && val_lower(s[i]) && a < 16) {
		i++;
		a++;
	}
	while (i < n && val_digit(s[i]) && d < 14) {
		i++;
		d++;
	}
	return n > 0 && i == n;
}

/* A commit id: 7..64 lower-case hex digits, after an optional 'g' (git
 * describe's g1a2b3c4). */
static bool tag_commit(const char *s, size_t n)
{
	if (n > 0 && s[0] == 'g') {
		s++;
		n--;
	}
	if (n < 7 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!val_digit(s[i]) && !(s[i] >= 'a' && s[i] <= 'f'))
			return false;
	}
	return true;
}

/* `k` digits at s, as a number; -1 when they are not all digits. */
static int tag_num(const char *s, size_t k)
{
	int v = 0;

	for (size_t i = 0; i < k; i++) {
		if (!val_digit(s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* A date at s[0..n): YYYY[sep]MM[sep]DD (19xx or 20xx, a month, a day;
 * one separator of -_. or none); its length, else 0. */
static size_t tag_date(const char *s, size_t n)
{
	size_t w = n > 4 && strchr(TAG_SEPS, s[4]) != NULL ? 1 : 0;
	int y, m, d;

	if (n < 8 + 2 * w || (w && s[7] != s[4]))
		return 0;
	y = tag_num(s, 4);
	m = tag_num(s + 4 + w, 2);
	d = tag_num(s + 6 + 2 * w, 2);
	if (y < 1900 || y > 2099 || m < 1 || m > 12 || d < 1 || d > 31)
		return 0;
	return 8 + 2 * w;
}

/* A version at s[0..n): v?N(.N){0,3}, N 1-5 digits; its length, else 0. */
static size_t tag_version(const char *s, size_t n)
{
	size_t i = s[0] == 'v' ? 1 : 0;

	for (int dots = 0; dots < 4; dots++) {
		size_t k = 0;
		while (i + k < n && val_digit(s[i + k]))
			k++;
		if (k == 0 || k > 5)
			return 0;
		i += k;
		if (i + 1 >= n || s[i] != '.' || !val_digit(s[i + 1]))
			break;
		i++;
	}
	return i;
}

/* The version, date or commit id the tag s[0..n) starts with: its
 * length, else 0. */
static size_t tag_core(const char *s, size_t n)
{
	size_t seg = tag_seg(s, n);
	size_t k[3] = {tag_date(s, n), tag_version(s, n),
		       tag_commit(s, seg) ? seg : 0};

	/* the first that ends at a separator or at the end */
	for (int i = 0; i < 3; i++) {
		if (k[i] > 0 && (k[i] == n || strchr(TAG_SEPS, s[k[i]])))
			return k[i];
	}
	return 0;
}

/* True iff the tag s[0..n) is a version, a date or a commit id, after an
 * optional [a-z]{1,16} word and a separator (sha-, nightly-), then
 * -suffix words (tag_word) or commit ids: v0.5.0, 25.01-py3,
 * 12.4.1-cudnn-devel-ubuntu22.04, v0.5.0-3-g1a2b3c4, sha-1a2b3c4,
 * nightly-20250115. */
static bool tag_exempt(const char *s, size_t n)
{
	size_t k = tag_core(s, n), i;

	if (k == 0) {
		size_t a = 0;
		while (a < n && val_lower(s[a]))
			a++;
		if (a == 0 || a > 16 || a + 1 >= n ||
		    strchr(TAG_SEPS, s[a]) == NULL)
			return false;
		k = tag_core(s + a + 1, n - a - 1);
		if (k == 0)
			return false;
		k += a + 1;
	}
	for (i = k; i < n;) {
		size_t seg = tag_seg(s + i + 1, n - i - 1);
		if (!tag_word(s + i + 1, seg) && !tag_commit(s + i + 1, seg))
			return false;
		i += 1 + seg;
	}
	return true;
}

/* Top-level domains a host name in a tag or a repository path ends with
 * (the common generic ones, the largest country codes, and RFC 2606's). */
static const char *const image_tlds[] = {
	"com",	 "net", "org",	   "io",   "dev",     "ai", "app",
	"cloud", "co",	"biz",	   "info", "me",      "us", "uk",
	"de",	 "fr",	"jp",	   "cn",   "in",      "eu", "ca",
	"au",	 "nl",	"ru",	   "br",   "ch",      "se", "kr",
	"tech",	 "xyz", "example", "test", "invalid", NULL};

/* True iff the dotted run s[0..n) holds a host name: a label holding a
 * letter, then a label that is one of the domains above (acme.com,
 * build7.acme.com.1). */
static bool image_host_name(const char *s, size_t n)
{
	bool letter = false; /* the label before holds a letter */

	for (size_t i = 0; i < n;) {
		size_t j = i;
		bool has = false;
		char tld[16];
		while (j < n && s[j] != '.') {
			has = has || val_lower(val_fold(s[j]));
			j++;
		}
		if (i > 0 && letter && j - i < sizeof(tld)) {
			for (size_t k = i; k < j; k++)
				tld[k - i] = val_fold(s[k]);
			tld[j - i] = '\0';
			if (val_in(image_tlds, tld))
				return true;
		}
		letter = has;
		i = j + 1;
	}
	return false;
}

/* True iff s holds 16 or more hex digits in a row mixing digits and
 * letters, wherever they start (a repository name is lower case, so a
 * digest glued to a word is one alphanumeric run val_blob reads whole). */
static bool image_hex_inside(const char *s)
{
	size_t run = 0, digits = 0;

	for (;; s++) {
		if (val_hex(*s)) {
			run++;
			digits += val_digit(*s);
			continue;
		}
		if (run >= 16 && digits > 0 && digits < run)
			return true;
		if (*s == '\0')
			return false;
		run = digits = 0;
	}
}

/* Why the value s (a tag when `tag`) may not be published; NULL when it
 * may. */
static const char *image_part_why(const char *s, bool tag)
{
	const char *why = val_locator_why(s);

	/* a tag joins words with - and _ as much as with '.': a dotted name
	 * glued to one (node7.acme.corp-v1) is still that name */
	for (size_t i = 0, n = strlen(s); why == NULL && i < n;) {
		size_t j = i, dots = 0;
		while (j < n && s[j] != '-' && s[j] != '_')
			dots += s[j++] == '.';
		if (dots > 0 && val_private_name(s + i, j - i))
			why = "a private or cloud DNS name";
		else if (dots > 0 && image_host_name(s + i, j - i))
			why = "a host name";
		i = j + 1;
	}
	/* an EC2 instance id (i-<8 or 17 hex>), which the commit-id exemption
	 * below would otherwise take for a commit */
	for (size_t a = 0, n = strlen(s); why == NULL && a + 2 < n; a++) {
		size_t h = 0;
		if ((a > 0 && val_alnum(s[a - 1])) || val_fold(s[a]) != 'i' ||
		    !val_node_sep(s[a + 1]))
			continue;
		while (a + 2 + h < n && val_hex(s[a + 2 + h]))
			h++;
		if ((h == 8 || h == 17) && !val_alnum(s[a + 2 + h]))
			why = "an EC2 instance id";
	}
	/* and a node name followed by more words (gke-...-x7k2-v1) */
	for (size_t a = 0, n = strlen(s); why == NULL && a + 4 <= n; a++) {
		if ((a > 0 && val_alnum(s[a - 1])) || !val_node_sep(s[a + 3]) ||
		    (!val_word_at(s + a, n - a, "gke") &&
		     !val_word_at(s + a, n - a, "aks")))
			continue;
		for (size_t b = a + 4; why == NULL && b <= n; b++) {
			if ((b == n || s[b] == '-' || s[b] == '_' ||
			     s[b] == '.') &&
			    val_node_name(s + a, b - a))
				why = "a GKE or AKS node name";
			if (b < n && !val_alnum(s[b]) && !val_node_sep(s[b]))
				break;
		}
	}
	if (why == NULL)
		why = val_token(s);
	if (why == NULL && !(tag && tag_exempt(s, strlen(s))) &&
	    (val_blob(s) || image_hex_inside(s)))
		why = "an encoded value (base64, a random or hex id, a UUID)";
	return why;
}

bool ev__image_private(const char *image, ev__image_why *why)
{
	char part[257];
	ae_imgref r;

	memset(why, 0, sizeof(*why));
	if (image == NULL)
		return false;
	ae_imgref_split(&r, image);
	if (r.tag != NULL && r.tag_len > 0 && r.tag_len < sizeof(part)) {
		memcpy(part, r.tag, r.tag_len);
		part[r.tag_len] = '\0';
		why->reason = image_part_why(part, true);
		if (why->reason != NULL) {
			why->part = "tag";
			why->at = r.tag;
			why->len = r.tag_len;
			return true;
		}
	}
	for (size_t i = 0; i < r.path_len;) {
		size_t n = 0;
		while (i + n < r.path_len && r.path[i + n] != '/')
			n++;
		if (n > 0 && n < sizeof(part)) {
			memcpy(part, r.path + i, n);
			part[n] = '\0';
			why->reason = image_part_why(part, false);
			if (why->reason != NULL) {
				why->part = "path component";
				why->at = r.path + i;
				why->len = n;
				return true;
			}
		}
		i += n + 1;
	}
	return false;
}
