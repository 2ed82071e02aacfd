/* tests/unit/test_evidence_bundle.c -- evidence bundles: canonical recipe
 * digest, redaction, manifest, predicate, verdict rules */
#include "t.h"
#include "evidence/evidence.h"
#include "evidence/internal.h"
#include "evidence/verdict.h"

#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define S(x) (const unsigned char *)(x), strlen(x)

static const char *recipe_a =
	"# comment\n"
	"kind: RecipeResult\n"
	"metadata:\n  version: v1.0.0\n  b: 2\n  a: 1\n"
	"criteria:\n  service: eks\n  accelerator: h100\n"
	"  os: ubuntu\n  intent: training\n  platform: any\n";
static const char *recipe_b = "criteria:\n   platform: any\n   intent: training\n"
			      "   os: ubuntu\n   accelerator: h100\n"
			      "   service: eks # the cloud\n"
			      "metadata:\n  a: 1   # trailing\n  b: 2\n"
			      "  version: v2.0.0\n"
			      "kind: RecipeResult\n";

void test_evidence_bundle__canonical_digest_ignores_comments_order_and_version(
	void)
{
	char a[65], b[65];
	ae_err err = {0};

	T_ASSERT_INT(ev_recipe_digest(a, S(recipe_a), EV_PREDICATE_V3, &err),
		     0);
	T_ASSERT_INT(ev_recipe_digest(b, S(recipe_b), EV_PREDICATE_V3, &err),
		     0);
	T_ASSERT_STR(a, b);
	T_ASSERT(ae_is_lower_hex(a, 64));
	/* v1 keeps metadata.version, so the two differ there. */
	T_ASSERT_INT(ev_recipe_digest(a, S(recipe_a), EV_PREDICATE_V1, &err),
		     0);
	T_ASSERT_INT(ev_recipe_digest(b, S(recipe_b), EV_PREDICATE_V1, &err),
		     0);
	T_ASSERT(strcmp(a, b) != 0);
	/* yaml.v3 keeps a collection's flow style: the same criteria in
	 * flow style are another digest, as in the reference. */
	T_ASSERT_INT(ev_recipe_digest(a, S(recipe_a), EV_PREDICATE_V3, &err),
		     0);
	T_ASSERT_INT(ev_recipe_digest(b,
				      S("kind: RecipeResult\n"
					"metadata: {version: v1.0.0, b: 2, a: 1}\n"
					"criteria: {service: eks, accelerator: "
					"h100, os: ubuntu, intent: training, "
					"platform: any}\n"),
				      EV_PREDICATE_V3, &err),
		     0);
	T_ASSERT(strcmp(a, b) != 0);
}

void test_evidence_bundle__canonical_digest_is_sensitive_to_values_and_quoting(
	void)
{
	char a[65], b[65], c[65];
	ae_err err = {0};

	T_ASSERT_INT(ev_recipe_digest(a, S("x: 1\ny: a\n"), NULL, &err), 0);
	T_ASSERT_INT(ev_recipe_digest(b, S("x: 2\ny: a\n"), NULL, &err), 0);
	/* "1" the string and 1 the number are different recipes. */
	T_ASSERT_INT(ev_recipe_digest(c, S("x: \"1\"\ny: a\n"), NULL, &err), 0);
	T_ASSERT(strcmp(a, b) != 0);
	T_ASSERT(strcmp(a, c) != 0);
	/* yaml.v3 keeps the quoting style: '1' and "1" are the same string
	 * but not the same digest, in the reference as here. */
	T_ASSERT_INT(ev_recipe_digest(b, S("x: '1'\ny: a\n"), NULL, &err), 0);
	T_ASSERT(strcmp(b, c) != 0);
}

void test_evidence_bundle__canonical_form_sorts_keys_at_every_level(void)
{
	ae_buf out;
	ae_err err = {0};

	T_ASSERT_INT(ev_recipe_canonical(&out,
					 S("b: 1\na:\n  z: [2, 1]\n  "
					   "y: x # c\n"),
					 false, &err),
		     0);
	/* yaml.v3's Marshal: 4-space indent, the flow sequence kept. */
	T_ASSERT_STR((const char *)out.data, "a:\n    y: x\n    z: [2, 1]\n"
					     "b: 1\n");
	ae_buf_dispose(&out);
}

void test_evidence_bundle__an_empty_or_malformed_recipe_has_no_digest(void)
{
	char d[65];
	ae_err err = {0};

	T_ASSERT_INT(ev_recipe_digest(d, S(""), NULL, &err), AE_EINVAL);
	ae_err_clear(&err);
	T_ASSERT_INT(ev_recipe_digest(d, S("a: [\n"), NULL, &err), AE_EINVAL);
	ae_err_clear(&err);
	T_ASSERT_INT(ev_recipe_digest(d, S("a: 1\n"), "https://x/v9", &err),
		     AE_EINVAL);
	T_ASSERT_MSG(err, "unexpected predicateType");
}

void test_evidence_bundle__recipe_cap_is_tested_at_cap_and_cap_plus_one(void)
{
	size_t cap = EV_RECIPE_MAX_BYTES;
	char *big = malloc(cap + 2);
	ae_buf out;
	ae_err err = {0};

	T_ASSERT(big != NULL);
	memcpy(big, "k: ", 3);
	memset(big + 3, 'x', cap - 4);
	big[cap - 1] = '\n';
	T_ASSERT_INT(ev_recipe_canonical(&out, (unsigned char *)big, cap, true,
					 &err),
		     0);
	ae_buf_dispose(&out);
	big[cap - 1] = 'x';
	big[cap] = '\n';
	T_ASSERT_INT(ev_recipe_canonical(&out, (unsigned char *)big, cap + 1,
					 true, &err),
		     AE_ETOOBIG);
	T_ASSERT(out.data == NULL);
	free(big);
}

void test_evidence_bundle__recipe_name_joins_criteria_or_fails_closed(void)
{
	char *name = NULL;
	ae_err err = {0};

	T_ASSERT_INT(ev_recipe_name(&name, S(recipe_a), &err), 0);
	T_ASSERT_STR(name, "h100-eks-ubuntu-training");
	free(name);
	T_ASSERT_INT(
		ev_recipe_name(&name, S("criteria: {service: any}\n"), &err),
		0);
	T_ASSERT_STR(name, "recipe");
	free(name);
	T_ASSERT_INT(
		ev_recipe_name(&name, S("criteria: {service: ../x}\n"), &err),
		AE_EINVAL);
	T_ASSERT(name == NULL);
	ae_err_clear(&err);
	T_ASSERT_INT(ev_recipe_name(&name,
				    S("metadata: {selectedProfile: {a: b}}\n"),
				    &err),
		     AE_EINVAL);
	T_ASSERT(name == NULL);
}

static const char *snap =
	"kind: Snapshot\napiVersion: v1\n"
	"metadata: {timestamp: t, version: v, source-node: node-1}\n"
	"clusterSecret: s3cr3t\n"
	"fingerprint: {k8sVersion: {value: v1.33.1}}\n"
	"measurements:\n"
	"  - type: K8s\n    subtypes:\n"
	"      - subtype: server\n        data: {version: v1.33.1, "
	"gitCommit: abc}\n"
	"      - subtype: node\n        context: {node: node-1}\n"
	"        data: {provider: aws, provider-id: 'aws:///i-1', "
	"source-node: node-1}\n"
	"      - subtype: image\n        data: {a: reg.io/x/slinky-slurm:1}\n"
	"  - type: GPU\n    subtypes:\n"
	"      - subtype: hardware\n        data: {model: NVIDIA H100, "
	"serial-number: '42'}\n"
	"        items: [{data: {x: 1}}]\n"
	"  - type: SystemD\n    subtypes:\n"
	"      - subtype: containerd.service\n        data: {ActiveState: a}\n"
	"  - type: NodeTopology\n    subtypes:\n"
	"      - subtype: label\n        data: {topology.kubernetes.io/region: "
	"us-west-2}\n"
	"      - subtype: summary\n        data: {internal-detail: rack}\n";

/* The reference's minimal v4 (--policy reference-v4): the allowlist of
 * types, subtypes and keys, values as given. */
void test_evidence_bundle__snapshot_redaction_drops_every_unlisted_field(void)
{
	static const char *const gone[] = {
		"source-node",	   "clusterSecret", "s3cr3t",
		"gitCommit",	   "provider-id",   "aws:///",
		"slinky-slurm",	   "serial-number", "items",
		"context",	   "SystemD",	    "us-west-2",
		"internal-detail", "NodeTopology",  NULL};
	ae_buf out;
	ae_err err = {0};

	T_ASSERT_INT(ev_snapshot_redact(&out, S(snap), EV_REDACT_REFERENCE_V4,
				       &err),
		     0);
	for (size_t i = 0; gone[i] != NULL; i++) {
		if (strstr((char *)out.data, gone[i]) != NULL)
			t_fail_at(__FILE__, __LINE__, "%s survived:\n%s",
				  gone[i], (char *)out.data);
	}
	/* The fingerprint signal and the allowlisted keys stay. */
	T_ASSERT(strstr((char *)out.data, "version: v1.33.1") != NULL);
	T_ASSERT(strstr((char *)out.data, "provider: aws") != NULL);
	T_ASSERT(strstr((char *)out.data, "model: NVIDIA H100") != NULL);
	T_ASSERT(strstr((char *)out.data, "fingerprint:") != NULL);
	T_ASSERT(strstr((char *)out.data, "timestamp: t") != NULL);
	ae_buf_dispose(&out);
}

void test_evidence_bundle__fingerprint_comes_from_the_raw_snapshot(void)
{
	ae_yaml_node *tree = NULL;
	json_t *fp = NULL;
	ae_err err = {0};

	T_ASSERT_INT(ae_yaml_parse(&tree, S(snap), &err), 0);
	T_ASSERT_INT(ev__snapshot_fingerprint((void **)&fp, tree,
					      EV_REDACT_REFERENCE_V4, &err),
		     0);
	T_ASSERT_STR(json_string_value(json_object_get(
			     json_object_get(fp, "region"), "value")),
		     "us-west-2");
	T_ASSERT_STR(json_string_value(json_object_get(
			     json_object_get(fp, "accelerator"), "value")),
		     "h100");
	T_ASSERT_STR(json_string_value(json_object_get(
			     json_object_get(fp, "service"), "value")),
		     "eks");
	json_decref(fp);
	ae_yaml_free(tree);
}

#define CTRF_FMT                                                               \
	"{\"reportFormat\":\"CTRF\",\"results\":{\"tool\":{\"name\":\"v\"},"   \
	"\"summary\":{\"tests\":1,\"passed\":1,\"failed\":0,\"skipped\":0},"   \
	"\"tests\":[{\"name\":\"t\",\"status\":\"passed\",\"duration\":1,"     \
	"\"suite\":[\"deployment\",\"s\"],\"message\":\"on "                 \
	"node-1\",\"stdout\":[\"10.0.0.1\"],"                                  \
	"\"extra\":{\"nodesValidated\":\"12345\",\"nodesTotal\":\"123456\","   \
	"\"podName\":\"p\",\"skipReason\":\"nodes-busy\","                     \
	"\"runtimeSource\":\"hostname-1\"},"                                   \
	"\"runtimeProvenance\":{\"shippedDigest\":\"%s\",\"derivedDigest\":"   \
	"\"%s\",\"overriddenPaths\":[\"spec.containers[x].image\","            \
	"\"spec.containers[y].image\",\"spec.nodeSelector\",\"bad "            \
	"path\"]}}]}}"

static json_t *ctrf_scrubbed(const char *shipped)
{
	char hex[65], doc[2048];
	ae_buf out;
	ae_err err = {0};
	json_t *j;

	memset(hex, 'a', 64);
	hex[64] = '\0';
	snprintf(doc, sizeof(doc), CTRF_FMT, shipped ? shipped : hex, hex);
	if (ev_ctrf_redact(&out, S(doc), EV_REDACT_MINIMAL, &err) != 0)
		t_fail_at(__FILE__, __LINE__, "redact: %s", err.msg);
	j = json_loadb((char *)out.data, out.len, 0, NULL);
	ae_buf_dispose(&out);
	return j;
}

void test_evidence_bundle__ctrf_scrub_drops_stdout_message_and_unlisted_extra(
	void)
{
	json_t *j = ctrf_scrubbed(NULL);
	json_t *t = json_array_get(
		json_object_get(json_object_get(j, "results"), "tests"), 0);
	json_t *extra = json_object_get(t, "extra");
	json_t *paths = json_object_get(json_object_get(t, "runtimeProvenance"),
					"overriddenPaths");

	T_ASSERT(json_object_get(t, "stdout") == NULL);
	/* the message is not emptied but left out: the test is rebuilt
	 * from an allowlist (issue 24 item 3) */
	T_ASSERT(json_object_get(t, "message") == NULL);
	T_ASSERT_STR(json_string_value(json_object_get(t, "name")), "t");
	/* suite: the phase the reference writes there; no other name
	 * (review finding 01) */
	T_ASSERT_INT(json_array_size(json_object_get(t, "suite")), 1);
	T_ASSERT_STR(json_string_value(
			     json_array_get(json_object_get(t, "suite"), 0)),
		     "deployment");
	T_ASSERT_STR(
		json_string_value(json_object_get(extra, "nodesValidated")),
		"12345");
	T_ASSERT(json_object_get(extra, "nodesTotal") == NULL); /* 6 digits */
	T_ASSERT(json_object_get(extra, "podName") == NULL);
	T_ASSERT(json_object_get(extra, "runtimeSource") == NULL);
	T_ASSERT_STR(json_string_value(json_object_get(extra, "skipReason")),
		     "nodes-busy");
	/* Paths: charset-checked, [name] collapsed, deduped, sorted. */
	T_ASSERT_INT(json_array_size(paths), 2);
	T_ASSERT_STR(json_string_value(json_array_get(paths, 0)),
		     "spec.containers[*].image");
	T_ASSERT_STR(json_string_value(json_array_get(paths, 1)),
		     "spec.nodeSelector");
	json_decref(j);
}

/* ev__provenance_path(in) == want (NULL: dropped). */
static void provenance_is(const char *in, const char *want, int line)
{
	char *got = NULL;
	ae_err err = {0};

	if (ev__provenance_path(&got, in, &err) != 0)
		t_fail_at(__FILE__, line, "%s: %s", in, err.msg);
	if (want == NULL && got != NULL)
		t_fail_at(__FILE__, line, "%s: kept as %s, want dropped", in,
			  got);
	if (want != NULL && (got == NULL || strcmp(got, want) != 0))
		t_fail_at(__FILE__, line, "%s: got %s, want %s", in,
			  got ? got : "(dropped)", want);
	free(got);
}
#define PROVENANCE_IS(in, want) provenance_is(in, want, __LINE__)

void test_evidence_bundle__provenance_tables_are_sorted_for_bsearch(void)
{
	T_ASSERT(ev__provenance_tables_sorted());
}

void test_evidence_bundle__provenance_segments_must_be_pod_template_fields(void)
{
	PROVENANCE_IS("spec.containers[worker].image",
		      "spec.containers[*].image");
	/* an empty selector grows to [*] (ctrfscrub_fuzz found the output
	 * buffer one byte short per `[]`) */
	PROVENANCE_IS("spec.containers[].env[][].name",
		      "spec.containers[*].env[*][*].name");
	PROVENANCE_IS("spec.tolerations", "spec.tolerations");
	PROVENANCE_IS("metadata.annotations", "metadata.annotations");
	/* not schema: a slash path, an invented field, status, a bare star */
	PROVENANCE_IS("spec/containers[launcher]/env[NCCL_DEBUG]", NULL);
	PROVENANCE_IS("spec.containers[w].acmeCostCenter", NULL);
	PROVENANCE_IS("status.podIP", NULL);
	PROVENANCE_IS("spec.*", NULL);
	PROVENANCE_IS("spec..containers", NULL);
	/* a name smuggled beside a selector, or an unbalanced one */
	PROVENANCE_IS("spec.containers[w]prod-db.image", NULL);
	PROVENANCE_IS("spec.containers[w.image", NULL);
	PROVENANCE_IS("spec.containersw].image", NULL);
	PROVENANCE_IS("spec.containers[a[b]].image", NULL);
}

void test_evidence_bundle__provenance_keys_of_free_key_maps_collapse(void)
{
	PROVENANCE_IS("metadata.annotations.acme.example/cost-center",
		      "metadata.annotations");
	/* no domain rule: a vendor domain with an operator's local part */
	PROVENANCE_IS("metadata.labels.networking.gke.io/customer-prod",
		      "metadata.labels");
	PROVENANCE_IS(
		"spec.containers[w].resources.requests.acme.internal/fpga",
		"spec.containers[*].resources.requests");
	PROVENANCE_IS("spec.nodeSelector.kubernetes.io/hostname",
		      "spec.nodeSelector");
	/* whole vendor keys stay */
	PROVENANCE_IS("metadata.annotations.networking.gke.io/interfaces",
		      "metadata.annotations.networking.gke.io/interfaces");
	PROVENANCE_IS("spec.containers[w].resources.limits.nvidia.com/gpu",
		      "spec.containers[*].resources.limits.nvidia.com/gpu");
	PROVENANCE_IS("spec.nodeSelector.cloud.google.com/gke-accelerator",
		      "spec.nodeSelector.cloud.google.com/gke-accelerator");
	/* the first free-key map ends the structure, the rest is its key */
	PROVENANCE_IS("metadata.labels.labels.x", "metadata.labels");
}

void test_evidence_bundle__provenance_env_selectors_keep_only_fabric_names(void)
{
	PROVENANCE_IS("spec.containers[worker].env[NCCL_DEBUG].value",
		      "spec.containers[*].env[NCCL_DEBUG].value");
	PROVENANCE_IS("spec.initContainers[x].env[LD_LIBRARY_PATH]",
		      "spec.initContainers[*].env[LD_LIBRARY_PATH]");
	/* no prefix rule, and only under env */
	PROVENANCE_IS("spec.containers[w].env[NCCL_ACME_PROD].value",
		      "spec.containers[*].env[*].value");
	PROVENANCE_IS("spec.containers[NCCL_DEBUG].image",
		      "spec.containers[*].image");
	PROVENANCE_IS("spec.volumes[NCCL_DEBUG].name", "spec.volumes[*].name");
	PROVENANCE_IS("spec.containers[w].envFrom[NCCL_DEBUG].prefix",
		      "spec.containers[*].envFrom[*].prefix");
}

void test_evidence_bundle__ctrf_provenance_without_bare_digests_is_dropped(void)
{
	json_t *j = ctrf_scrubbed("sha256:abc");
	json_t *t = json_array_get(
		json_object_get(json_object_get(j, "results"), "tests"), 0);

	T_ASSERT(json_object_get(t, "runtimeProvenance") == NULL);
	json_decref(j);
}

void test_evidence_bundle__a_report_without_tests_is_not_ctrf(void)
{
	ae_buf out;
	ae_err err = {0};

	T_ASSERT_INT(ev_ctrf_redact(&out, S("{\"results\":{}}"),
				    EV_REDACT_MINIMAL, &err),
		     AE_EINVAL);
	T_ASSERT(out.data == NULL);
	T_ASSERT_MSG(err, "not a CTRF report");
}

void test_evidence_bundle__redaction_rule_ids_are_sorted(void)
{
	json_t *a = ev__redaction_applied(~0u);
	json_t *ref = ev__redaction_applied(
		ev__redaction_rules(EV_REDACT_REFERENCE_V4));
	json_t *min =
		ev__redaction_applied(ev__redaction_rules(EV_REDACT_MINIMAL));

	T_ASSERT_INT(json_array_size(a), 14);
	for (size_t i = 1; i < json_array_size(a); i++)
		T_ASSERT(strcmp(json_string_value(json_array_get(a, i - 1)),
				json_string_value(json_array_get(a, i))) < 0);
	/* reference-v4: exactly the reference's six (§6.5); minimal: all,
	 * the six among them (issue 24 item 9) */
	T_ASSERT_INT(json_array_size(ref), 6);
	T_ASSERT_INT(json_array_size(min), 14);
	T_ASSERT_INT(ev__redaction_rules(EV_REDACT_FULL), 0);
	json_decref(a);
	json_decref(ref);
	json_decref(min);
}

static void put(const char *rel, const char *text)
{
	t_write_file(t_path(rel), text, strlen(text));
}

void test_evidence_bundle__manifest_is_sorted_hashed_and_excludes_itself(void)
{
	ev__mfile *f = NULL;
	size_t n = 0;
	ae_buf out = AE_BUF_INIT(1 << 20);
	ae_err err = {0};
	int fd;

	put("z.txt", "z");
	mkdir(t_path("sub"), 0755);
	put("sub/b.txt", "b");
	put("a.txt", "");
	put("manifest.json", "{}");
	put("statement.intoto.json", "{}");
	put("attestation.intoto.jsonl", "{}");
	fd = open(t_tmpdir(), O_RDONLY | O_DIRECTORY);
	T_ASSERT_INT(ev__manifest_walk(&f, &n, fd, true, &err), 0);
	close(fd);
	T_ASSERT_INT(n, 3);
	T_ASSERT_STR(f[0].path, "a.txt");
	T_ASSERT_STR(f[1].path, "sub/b.txt");
	T_ASSERT_STR(f[2].path, "z.txt");
	T_ASSERT_STR(f[0].sha256, "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae"
				  "41e4649b934ca495991b7852b855");
	T_ASSERT_INT(f[2].size, 1);
	T_ASSERT_INT(ev__manifest_render(&out, f, n, &err), 0);
	T_ASSERT(out.data[out.len - 1] == '\n');
	T_ASSERT(strstr((char *)out.data, "\"mediaType\"") == NULL);
	ev__mfiles_free(f, n);
	ae_buf_dispose(&out);
}

void test_evidence_bundle__manifest_parse_rejects_traversal_and_schema(void)
{
	ev__mfile *f = NULL;
	size_t n = 0;
	ae_err err = {0};
	const char *d = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934"
			"ca495991b7852b855";
	char doc[512];

	snprintf(doc, sizeof(doc),
		 "{\"schemaVersion\":\"1.0.0\",\"files\":[{\"path\":"
		 "\"../../../etc/passwd\",\"size\":0,\"sha256\":\"%s\"}]}",
		 d);
	T_ASSERT_INT(ev__manifest_parse(&f, &n, S(doc), &err), AE_EINVAL);
	T_ASSERT_MSG(err, "not a local path");
	T_ASSERT(f == NULL);
	ae_err_clear(&err);
	snprintf(doc, sizeof(doc),
		 "{\"schemaVersion\":\"2.0.0\",\"files\":[{\"path\":\"a\","
		 "\"size\":0,\"sha256\":\"%s\"}]}",
		 d);
	T_ASSERT_INT(ev__manifest_parse(&f, &n, S(doc), &err), AE_EINVAL);
	T_ASSERT_MSG(err, "schemaVersion");
	T_ASSERT(!ev__path_is_local("/abs"));
	T_ASSERT(!ev__path_is_local("a//b"));
	T_ASSERT(!ev__path_is_local("a/../b"));
	T_ASSERT(ev__path_is_local("ctrf/deployment.json"));
}

void test_evidence_bundle__media_types_follow_the_reference_table(void)
{
	T_ASSERT_STR(ev__media_type("bom.cdx.json"),
		     "application/vnd.cyclonedx+json");
	T_ASSERT_STR(ev__media_type("a.intoto.jsonl"),
		     "application/vnd.in-toto+jsonl");
	T_ASSERT_STR(ev__media_type("ctrf/x.json"), "application/json");
	T_ASSERT_STR(ev__media_type("r.yml"), "application/yaml");
	T_ASSERT_STR(ev__media_type("x.log"), "text/plain");
	T_ASSERT_STR(ev__media_type("x.bin"), "");
}

/* Emits the example inputs into the case's directory; returns the parsed
 * statement. */
static json_t *emit_example(bool full)
{
	const char *ctrf_dir[] = {"recipes/examples/ctrf"};
	ev_emit_opts o = EV_EMIT_OPTS_INIT;
	ev_emit_result r;
	ae_err err = {0};
	char path[1024];

	o.recipe_path = "recipes/examples/recipe.yaml";
	o.snapshot_path = "recipes/examples/snapshot.yaml";
	o.ctrf_paths = ctrf_dir;
	o.nctrf = 1;
	o.out_dir = t_tmpdir();
	o.full = full;
	o.attested_at = 1763650000;
	o.tool_version = "1.2.3";
	if (ev_evidence_emit(&r, &o, &err) != 0)
		t_fail_at(__FILE__, __LINE__, "emit: %s", err.msg);
	snprintf(path, sizeof(path), "%s/summary-bundle/statement.intoto.json",
		 t_tmpdir());
	return json_load_file(path, JSON_REJECT_DUPLICATES, NULL);
}

void test_evidence_bundle__predicate_carries_the_reference_fields(void)
{
	static const char *const keys[] = {"schemaVersion",
					   "attestedAt",
					   "aicrVersion",
					   "validatorCatalogVersion",
					   "validatorImages",
					   "recipe",
					   "fingerprint",
					   "criteriaMatch",
					   "phases",
					   "bom",
					   "manifest",
					   "redaction",
					   NULL};
	json_t *st = emit_example(false);
	json_t *p = json_object_get(st, "predicate");
	json_t *imgs = json_object_get(p, "validatorImages");

	T_ASSERT(st != NULL);
	for (size_t i = 0; keys[i] != NULL; i++) {
		if (json_object_get(p, keys[i]) == NULL)
			t_fail_at(__FILE__, __LINE__, "predicate lacks %s",
				  keys[i]);
	}
	T_ASSERT_STR(json_string_value(json_object_get(st, "predicateType")),
		     EV_PREDICATE_V3);
	T_ASSERT_STR(json_string_value(json_object_get(p, "attestedAt")),
		     "2025-11-20T14:46:40Z");
	T_ASSERT_STR(json_string_value(json_object_get(p, "aicrVersion")),
		     "1.2.3");
	T_ASSERT_INT(json_array_size(imgs), 3);
	for (size_t i = 1; i < json_array_size(imgs); i++)
		T_ASSERT(strcmp(json_string_value(json_object_get(
					json_array_get(imgs, i - 1), "image")),
				json_string_value(json_object_get(
					json_array_get(imgs, i), "image"))) <
			 0);
	T_ASSERT_INT(json_integer_value(json_object_get(
			     json_object_get(p, "manifest"), "fileCount")),
		     6);
	T_ASSERT(json_is_true(json_object_get(
		json_object_get(p, "criteriaMatch"), "matched")));
	T_ASSERT_STR(json_string_value(json_object_get(
			     json_object_get(p, "redaction"), "policy")),
		     "minimal");
	json_decref(st);
}

void test_evidence_bundle__full_predicate_has_no_redaction_key(void)
{
	json_t *st = emit_example(true);

	T_ASSERT(st != NULL);
	T_ASSERT(json_object_get(json_object_get(st, "predicate"),
				 "redaction") == NULL);
	json_decref(st);
}

void test_evidence_bundle__first_hard_verdict_wins_and_transient_never_masks(
	void)
{
	ev_verdict v;

	ev__verdict_init(&v);
	ev__verdict_record(&v, EV_VERDICT_NONE, "transient", "eio", NULL);
	T_ASSERT_INT(v.exit, EV_VERDICT_NONE);
	ev__verdict_record(&v, EV_VERDICT_INVALID, "integrity", "first", NULL);
	ev__verdict_record(&v, EV_VERDICT_INVALID, "schema", "second", NULL);
	ev__verdict_record(&v, EV_VERDICT_NONE, "transient", "late", NULL);
	T_ASSERT_INT(v.exit, EV_VERDICT_INVALID);
	T_ASSERT_STR(v.cause_class, "integrity");
	T_ASSERT_STR(v.cause_detail, "first");
	free(v.cause_class);
	free(v.cause_detail);
	free(v.cause_hint);
}

/* The pointer writer records the predicate's attestedAt in UTC, truncated
 * to whole seconds (reference BuildPointer): the binding compares that. */
void test_evidence_bundle__attested_at_is_normalised_to_utc_seconds(void)
{
	static const char *const good[][2] = {
		{"2026-06-25T05:57:00Z", "2026-06-25T05:57:00Z"},
		{"2026-06-25T05:57:00.999999999Z", "2026-06-25T05:57:00Z"},
		{"2026-06-25T07:57:00.5+02:00", "2026-06-25T05:57:00Z"},
		{"2026-06-24T23:30:00-06:30", "2026-06-25T06:00:00Z"},
		{"2024-02-29T00:00:00+00:00", "2024-02-29T00:00:00Z"},
		{"2026-01-01T00:00:00+01:00", "2025-12-31T23:00:00Z"},
		/* Go's zero time, as the reference writes an unset one */
		{"0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z"},
		{"9999-12-31T23:59:59.9Z", "9999-12-31T23:59:59Z"},
	};
	static const char *const bad[] = {
		"2026-02-29T00:00:00Z", "2026-06-25 05:57:00Z",
		"2026-06-25T05:57:60Z", "2026-06-25T05:57:00",
		"2026-06-25T05:57:00+0200", "2026-06-25T05:57:00z",
		"2026-06-25T05:57:00.Z", "2026-06-25T05:57:00Zx",
		"26-06-25T05:57:00Z", "",
	};
	char out[EV_TIME_UTC_LEN + 1];
	ae_err err = {0};

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		T_ASSERT_INT(ev__time_utc_seconds(out, good[i][0], &err), 0);
		T_ASSERT_STR(out, good[i][1]);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ae_err_clear(&err);
		if (ev__time_utc_seconds(out, bad[i], &err) != AE_EINVAL)
			t_fail_at(__FILE__, __LINE__, "accepted %s", bad[i]);
		T_ASSERT_STR(out, "");
		T_ASSERT_MSG(err, "not an RFC 3339 time");
	}
}

/* Binds `p` to the predicate `pred_text` (JSON of type v3); returns the
 * verdict's exit and copies its detail into detail[256]. */
static int bind(const ev_pointer_claim *p, const char *pred_text, char *detail)
{
	ev_verdict *v = calloc(1, sizeof(*v));
	json_t *pred = json_loads(pred_text, 0, NULL);
	int exit;

	T_ASSERT(v != NULL && pred != NULL);
	ev__verdict_init(v);
	ev__claim_bind(v, ev__step_begin(v, "predicate-parse"), p, pred,
		       "https://aicr.run/recipe-evidence/v3");
	exit = v->exit;
	snprintf(detail, 256, "%s", v->cause_detail ? v->cause_detail : "");
	json_decref(pred);
	ev_verdict_free(v);
	return exit;
}

void test_evidence_bundle__every_pointer_field_is_bound_to_the_predicate(void)
{
	static const char pred[] =
		"{\"recipe\": {\"name\": \"r-gpustack-x\"}, \"attestedAt\": "
		"\"2026-06-25T05:57:00.25Z\", \"profile\": {\"selection\": "
		"\"gpuStack=x\"}}";
	static const char unprofiled[] =
		"{\"recipe\": {\"name\": \"r-gpustack-x\"}, \"attestedAt\": "
		"\"2026-06-25T05:57:00Z\"}";
	ev_pointer_claim p;
	char d[256];

	memset(&p, 0, sizeof(p));
	p.recipe = "r-gpustack-x";
	p.predicate_type = "https://aicr.run/recipe-evidence/v3";
	p.profile = "gpuStack=x";
	p.attested_at = "2026-06-25T05:57:00Z";
	T_ASSERT_INT(bind(&p, pred, d), EV_VERDICT_VALID);
	p.attested_at = "2099-01-01T00:00:00Z";
	T_ASSERT_INT(bind(&p, pred, d), EV_VERDICT_INVALID);
	T_ASSERT_STR(d, "pointer attestedAt differs from the signed predicate");
	p.attested_at = "2026-06-25T05:57:00Z";
	p.profile = "gpuStack=y";
	T_ASSERT_INT(bind(&p, pred, d), EV_VERDICT_INVALID);
	T_ASSERT(strstr(d, "profile differs") != NULL);
	p.profile = NULL;
	T_ASSERT_INT(bind(&p, pred, d), EV_VERDICT_INVALID);
	T_ASSERT(strstr(d, "profile differs") != NULL);
	T_ASSERT_INT(bind(&p, unprofiled, d), EV_VERDICT_VALID);
	p.profile = "gpuStack=x";
	T_ASSERT_INT(bind(&p, unprofiled, d), EV_VERDICT_INVALID);
	T_ASSERT(strstr(d, "profile is not in the signed predicate") != NULL);
	p.profile = NULL;
	T_ASSERT_INT(bind(&p, "{\"recipe\": {\"name\": \"r-gpustack-x\"}}", d),
		     EV_VERDICT_INVALID);
	T_ASSERT(strstr(d, "no valid attestedAt") != NULL);
	p.predicate_type = "https://aicr.run/recipe-evidence/v2";
	T_ASSERT_INT(bind(&p, unprofiled, d), EV_VERDICT_INVALID);
	T_ASSERT_STR(d, "pointer predicateType differs");
	p.predicate_type = NULL;
	p.recipe = "other";
	T_ASSERT_INT(bind(&p, unprofiled, d), EV_VERDICT_INVALID);
	T_ASSERT_STR(d, "pointer recipe differs from the predicate");
	T_ASSERT_INT(bind(NULL, unprofiled, d), EV_VERDICT_VALID);
}

void test_evidence_bundle__input_detection_follows_the_reference_order(void)
{
	ev_input_kind k;
	ae_err err = {0};

	T_ASSERT_INT(ev_input_detect(&k, "", &err), AE_EINVAL);
	T_ASSERT_INT(ev_input_detect(&k, "oci://r.io/a:b", &err), 0);
	T_ASSERT_INT(k, EV_INPUT_OCI);
	T_ASSERT_INT(ev_input_detect(&k, "https://x/y", &err), AE_EINVAL);
	T_ASSERT_INT(ev_input_detect(&k, t_tmpdir(), &err), 0);
	T_ASSERT_INT(k, EV_INPUT_DIR);
	put("p.yaml", "a: 1\n");
	T_ASSERT_INT(ev_input_detect(&k, t_path("p.yaml"), &err), 0);
	T_ASSERT_INT(k, EV_INPUT_POINTER);
	T_ASSERT_INT(ev_input_detect(&k, "localhost:5000/repo:v1", &err), 0);
	T_ASSERT_INT(k, EV_INPUT_OCI);
	T_ASSERT_INT(ev_input_detect(&k, "ghcr.io/o/r@sha256:00", &err), 0);
	T_ASSERT_INT(k, EV_INPUT_OCI);
	ae_err_clear(&err);
	T_ASSERT_INT(ev_input_detect(&k, "no-such-thing", &err), AE_EINVAL);
	T_ASSERT_MSG(err, "not-an-input");
}

/* Goldens printed by the Go oracle (tests/oracle/recipe_digest.go, Go's
 * gopkg.in/yaml.v3 3.0.1): yaml.Marshal's bytes, quirks included. */
void test_evidence_bundle__canonical_form_is_yaml_v3_marshal_byte_for_byte(void)
{
	static const char *const cases[][2] = {
		/* a leading break: indentation indicator 4, and yaml.v3
		 * writes the break as the header's own line end */
		{"k: |\n\n  abc\n", "k: |4\n    abc\n"},
		/* folded: yaml.v3 doubles the break after a line */
		{"k: >\n  a\n  b\n\n  c\n", "k: >\n    a b\n\n    c\n\n"},
		/* a text opening with U+FEFF is escaped whole */
		{"k: \"\\ufeffab\"\n", "k: \"\\uFEFF\\x61\\x62\"\n"},
		/* nothing beyond the BMP is printable */
		{"k: \"\\U0001F600 \\t\"\n", "k: \"\\U0001F600 \\t\"\n"},
		/* sequences indented under keys, items past "- ", an empty
		 * plain value in a flow mapping quoted */
		{"a:\n- 1\n- - 2\n  - x: 1\n    y: [3, {z: }]\n",
		 "a:\n    - 1\n    - - 2\n      - x: 1\n        y: [3, {z: ''}]\n"},
		/* explicit tags kept; a plain << comes back tagged !!merge */
		{"v: <<\nt: !!str 12\nu: !e x\n",
		 "t: !!str 12\nu: !e x\nv: !!merge <<\n"},
		{"a: !!map\n  b: !<tag:example.com,2000:x> c\n",
		 "a: !!map\n    b: !<tag:example.com,2000:x> c\n"},
		/* quoting styles kept; a null value is written as nothing */
		{"q: 'it''s'\nd: \"a\\nb\"\ne:\nf: ''\n",
		 "d: \"a\\nb\"\ne:\nf: ''\nq: 'it''s'\n"},
		/* chomping indicators */
		{"l: |-\n  x\n  y\nm: |+\n  z\n\n",
		 "l: |-\n    x\n    y\nm: |+\n    z\n\n"},
		/* an empty document, and one of comments only (the zero
		 * node) */
		{"---\n", "\n"},
		{"# c\n", "null\n"},
		/* collection keys, as yaml.v3 writes them (a Helm template's
		 * unquoted {{ .X }} is a flow map with a map for its key) */
		{"a: {{ .X }}\n", "a: {? {.X: ''} : ''}\n"},
		{"? - a\n  - b\n: v\n", "?   - a\n    - b\n: v\n"},
		{"x:\n  ? {b: 1}\n  : - y\n  a: 1\n",
		 "x:\n    ? {b: 1}\n    :   - y\n    a: 1\n"},
		{"{z: 1, [a]: 2}\n", "{? [a] : 2, z: 1}\n"},
		{"b: 2\n[]: 1\n", "[]: 1\nb: 2\n"},
	};
	ae_buf out;
	ae_err err = {0};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		T_ASSERT_INT(ev_recipe_canonical(&out, S(cases[i][0]), true,
						 &err),
			     0);
		T_ASSERT_STR((const char *)out.data, cases[i][1]);
		ae_buf_dispose(&out);
	}
	/* yaml.v3's form is not always a fixed point: the leading break
	 * above is gone the second time, in the reference as here. */
	T_ASSERT_INT(ev_recipe_canonical(&out, S("k: |4\n    abc\n"), true,
					 &err),
		     0);
	T_ASSERT_STR((const char *)out.data, "k: |\n    abc\n");
	ae_buf_dispose(&out);
}

/* A key over 128 bytes is written "? key" (yaml.v3's simple-key limit). */
void test_evidence_bundle__a_long_key_is_written_as_an_explicit_key(void)
{
	char in[200], want[200];
	ae_buf out;
	ae_err err = {0};

	memset(in, 'k', 130);
	memcpy(in + 130, ": v\n", 5);
	memcpy(want, "? ", 2);
	memset(want + 2, 'k', 130);
	memcpy(want + 132, "\n: v\n", 6);
	T_ASSERT_INT(ev_recipe_canonical(&out, S(in), true, &err), 0);
	T_ASSERT_STR((const char *)out.data, want);
	ae_buf_dispose(&out);
	in[128] = ':';
	in[129] = ' ';
	in[130] = 'v';
	in[131] = '\n';
	in[132] = '\0';
	T_ASSERT_INT(ev_recipe_canonical(&out, S(in), true, &err), 0);
	T_ASSERT(out.data[0] == 'k'); /* 128 bytes: still a simple key */
	ae_buf_dispose(&out);
}

/* What the reference would digest but we refuse, each named. */
void test_evidence_bundle__recipe_constructs_we_refuse_are_named(void)
{
	static const char *const cases[][2] = {
		{"a: &x 1\n", "anchors are not allowed"},
		{"a: [1]\nb: *x\n", "aliases are not allowed"},
		{"<<: {a: 1}\n", "merge keys (<<) are not allowed"},
		/* one rule for the product (evidence/core/yaml.c): a "<<" key
		 * in any quoting or with any tag, though yaml.v3 would read
		 * the quoted ones as strings */
		{"\"<<\": {a: 1}\n", "merge keys (<<) are not allowed"},
		{"'<<': 1\n", "merge keys (<<) are not allowed"},
		{"a: {\"<<\": 1}\n", "merge keys (<<) are not allowed"},
		{"!!str <<: 1\n", "merge keys (<<) are not allowed"},
		{"? |-\n  <<\n: 1\n", "merge keys (<<) are not allowed"},
		{"a: 1\n---\nb: 2\n", "more than one YAML document"},
		{"a: 1\n\"a\": 2\n", "duplicate key \"a\""},
		/* a collection key sorts as "" (yaml.v3's Value): beside
		 * another one, or an empty key, the order would be chance */
		{"? [a]\n: 1\n? [b]\n: 2\n", "not a scalar beside"},
		{"? [a]\n: 1\n\"\": 2\n", "not a scalar beside"},
		{"{[]: 1, {}: 2}\n", "not a scalar beside"},
		/* yaml.v3 reads `[]` as the document there (digest_fuzz) */
		{"[] x: 1\n", "after a mapping key that is not a scalar"},
		{"a: [!!str,b]\n", "a tag running into ','"},
		{"a: [! x]\nb: [!,c]\n", "a tag running into ','"},
		{"a: \"x\\/y\"\n", "the escape \\/"},
		{"a: [b?c]\n", "'?' inside a plain scalar in a flow"},
		{"a: 1\n\xEF\xBB\xBF\nb: 2\n", "byte order mark"},
		{"\xFF\xFE" "a", "UTF-16"},
		{"a: \"x\\0y\"\n", "NUL in a scalar"},
		/* a tag's %00 escape is a NUL too: libyaml's tag string ends
		 * there, yaml.v3 keeps and re-escapes it (digest_fuzz) */
		{"e: !h%00x 1\n", "NUL (%00) in a tag"},
		{"e: !<!h%00x> 1\n", "NUL (%00) in a tag"},
		{"e: !!a%00 x\n", "NUL (%00) in a tag"},
		{"a #b: value\nother: 1\n", "text after the end"},
		/* the root is complete but libyaml's scanner, looking for the
		 * document's end, trips on what follows; yaml.v3 stops at the
		 * root and digests `[]` (digest_fuzz) */
		{"[][[[:,>] ]", "text after the end"},
		{"{a: 1} [>", "text after the end"},
	};
	ae_buf out;
	ae_err err = {0};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ae_err_clear(&err);
		T_ASSERT_INT(ev_recipe_canonical(&out, S(cases[i][0]), true,
						 &err),
			     AE_EINVAL);
		T_ASSERT(out.data == NULL);
		T_ASSERT_MSG(err, cases[i][1]);
	}
}

/* recipe_fuzz found a multi-line plain scalar that libyaml re-quoted, so
 * the canonical form was not a fixed point. */
void test_evidence_bundle__canonical_form_is_a_fixed_point(void)
{
	static const char *const docs[] = {
		"b: 2\n \n  z:a\n  z v1}\n", "a:\nb: ~\nc: -x\n", "k: 'a: b'\n",
		/* a plain value opening with the
		 * document end marker */
		"s: ...eks\n", "l:\n- ...\n", "k: --x\n",
		/* a quoted empty key is a string, kept */
		"\"\": 1\nb: 2\n", NULL};
	ae_buf a, b;
	ae_err err = {0};

	for (size_t i = 0; docs[i] != NULL; i++) {
		T_ASSERT_INT(ev_recipe_canonical(&a, S(docs[i]), true, &err),
			     0);
		T_ASSERT_INT(ev_recipe_canonical(&b, a.data, a.len, true, &err),
			     0);
		T_ASSERT_INT(a.len, b.len);
		T_ASSERT(memcmp(a.data, b.data, a.len) == 0);
		ae_buf_dispose(&a);
		ae_buf_dispose(&b);
	}
}

/* ev_catalog_version on `doc`: the code, and the version in `v`. */
static int catalog_version(char *v, const char *doc)
{
	ae_err err = {0};

	return ev_catalog_version(v, S(doc), &err);
}

void test_evidence_bundle__catalog_version_is_metadata_version(void)
{
	char v[EV_CATALOG_VERSION_MAX + 1];

	T_ASSERT_INT(
		catalog_version(v, "apiVersion: aicr.nvidia.com/v1\n"
				   "kind: ValidatorCatalog\n"
				   "metadata: {name: c, version: 1.4.0-rc.1}\n"
				   "validators: []\n"),
		0);
	T_ASSERT_STR(v, "1.4.0-rc.1");
	/* a legacy catalog without the field records "" (reference §5.5) */
	T_ASSERT_INT(catalog_version(v, "apiVersion: aicr.nvidia.com/v1\n"
					"kind: ValidatorCatalog\n"
					"validators: []\n"),
		     0);
	T_ASSERT_STR(v, "");
}

void test_evidence_bundle__catalog_that_is_not_one_is_refused(void)
{
	char v[EV_CATALOG_VERSION_MAX + 1];
	char big[200];

	T_ASSERT_INT(catalog_version(v, "apiVersion: v1\nkind: ConfigMap\n"),
		     AE_EINVAL);
	T_ASSERT_STR(v, "");
	T_ASSERT_INT(catalog_version(v, "apiVersion: aicr.nvidia.com/v1\n"
					"kind: ValidatorCatalog\n"
					"metadata: {version: 'v1 ; rm -rf'}\n"),
		     AE_EINVAL);
	T_ASSERT_STR(v, "");
	T_ASSERT_INT(catalog_version(v, "apiVersion: aicr.nvidia.com/v1\n"
					"kind: ValidatorCatalog\n"
					"metadata: {version: [1]}\n"),
		     AE_EINVAL);
	T_ASSERT_INT(catalog_version(v, "apiVersion: aicr.nvidia.com/v1\n"
					"kind: ValidatorCatalog\n"
					"metadata: [x]\n"),
		     AE_EINVAL);
	/* at the 64-byte cap and one past it */
	snprintf(big, sizeof(big),
		 "apiVersion: aicr.nvidia.com/v1\nkind: ValidatorCatalog\n"
		 "metadata: {version: %.64s}\n",
		 "1234567890123456789012345678901234567890123456789012345678901"
		 "234");
	T_ASSERT_INT(catalog_version(v, big), 0);
	T_ASSERT_INT((int)strlen(v), 64);
	snprintf(big, sizeof(big),
		 "apiVersion: aicr.nvidia.com/v1\nkind: ValidatorCatalog\n"
		 "metadata: {version: %.65s}\n",
		 "1234567890123456789012345678901234567890123456789012345678901"
		 "2345");
	T_ASSERT_INT(catalog_version(v, big), AE_EINVAL);
	T_ASSERT_STR(v, "");
}

void test_evidence_bundle__ctrf_collect_refuses_an_empty_directory_and_links(
	void)
{
	const char *paths[1];
	ev__ctrf_input *v = NULL;
	size_t n = 9;
	ae_err err = {0};

	/* an empty directory: no report, named in the reason (UBSan saw
	 * qsort(NULL, 0) here) */
	T_ASSERT_INT(mkdir(t_path("empty"), 0755), 0);
	paths[0] = t_path("empty");
	T_ASSERT_INT(ev__ctrf_collect(&v, &n, paths, 1, &err), AE_EINVAL);
	T_ASSERT(v == NULL && n == 0);
	T_ASSERT(strstr(err.msg, "no CTRF report") != NULL);
	T_ASSERT(strstr(err.msg, "empty") != NULL);
	/* a report that is a symlink is refused, not skipped */
	ae_err_clear(&err);
	T_ASSERT_INT(mkdir(t_path("d"), 0755), 0);
	t_write_file(t_path("d/conformance.json"), "{}", 2);
	T_ASSERT_INT(symlink(t_path("d/conformance.json"),
			     t_path("d/deployment.json")),
		     0);
	paths[0] = t_path("d");
	T_ASSERT_INT(ev__ctrf_collect(&v, &n, paths, 1, &err), AE_EINVAL);
	T_ASSERT(v == NULL && n == 0);
	T_ASSERT(strstr(err.msg, "deployment.json") != NULL);
	T_ASSERT(strstr(err.msg, "symlink") != NULL);
}

/* ev_evidence_verify of a bundle the caller could not fetch (`code`,
 * `status`): the verdict, failureCause class and httpStatus in JSON. */
static json_t *verify_unfetched(int code, long status)
{
	ev_verify_opts o = EV_VERIFY_OPTS_INIT;
	ev_verdict *v = NULL;
	ae_err err = {0};
	ae_buf b;
	json_t *j;

	o.input_kind = EV_INPUT_OCI;
	o.fetch_rc = code;
	o.fetch_detail = "fetch failed here";
	o.fetch_hint = "try this";
	o.fetch_http_status = status;
	if (ev_evidence_verify(&v, &o, &err) != 0)
		t_fail_at(__FILE__, __LINE__, "verify: %s", err.msg);
	if (ev_verdict_json(&b, v, &err) != 0)
		t_fail_at(__FILE__, __LINE__, "json: %s", err.msg);
	j = json_loadb((const char *)b.data, b.len, 0, NULL);
	ae_buf_dispose(&b);
	ev_verdict_free(v);
	return j;
}

void test_evidence_bundle__an_unfetched_bundle_is_classified_by_its_fault(void)
{
	static const struct {
		int code;
		long status;
		int exit;
		const char *cls;
	} cases[] = {
		{AE_ETRANSIENT, 503, 3, "transient"},
		{AE_ETRANSIENT, 0, 3, "transient"},
		{AE_EIO, 0, 3, "transient"},
		{AE_EAUTH, 401, 2, "registry-forbidden"},
		{AE_ENOTFOUND, 404, 2, "not-found"},
		{AE_EVERIFY, 200, 2, "integrity"},
		{AE_EINVAL, 400, 2, "registry"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *j = verify_unfetched(cases[i].code, cases[i].status);
		json_t *fc = json_object_get(j, "failureCause");
		json_t *st = json_object_get(j, "steps");
		T_ASSERT_INT(json_integer_value(json_object_get(j, "exit")),
			     cases[i].exit);
		T_ASSERT_STR(json_string_value(json_object_get(fc, "class")),
			     cases[i].cls);
		T_ASSERT_STR(json_string_value(json_object_get(fc, "hint")),
			     "try this");
		/* httpStatus only for an error status the registry gave */
		T_ASSERT_INT(
			json_integer_value(json_object_get(fc, "httpStatus")),
			cases[i].status >= 400 ? cases[i].status : 0);
		T_ASSERT_STR(json_string_value(json_object_get(
				     json_array_get(st, 0), "status")),
			     "failed");
		T_ASSERT_STR(json_string_value(json_object_get(
				     json_array_get(st, 1), "status")),
			     "skipped");
		json_decref(j);
	}
}

/* ---- issue 24: values, counts, the snapshot and recipe policies ---- */

void test_evidence_bundle__published_values_must_have_their_shape(void)
{
	static const struct {
		ev__vkind kind;
		const char *ok, *bad;
	} cases[] = {
		{EV__V_COUNT, "99999", "100000"},
		{EV__V_COUNT, "0", "10.0.0.7"},
		{EV__V_BOOL, "true", "yes"},
		{EV__V_K8S_VERSION, "v1.33.1-eks-b9dc2a1", "v1.33.1\nsecret"},
		{EV__V_K8S_VERSION, "1.33", "https://user:pw@h/x"},
		{EV__V_KERNEL, "6.8.0-1021-aws", "v6.8"},
		{EV__V_GO_VERSION, "go1.24.2", "go1"},
		{EV__V_PLATFORM, "linux/arm64/v8", "linux amd64"},
		{EV__V_TEXT, "NVIDIA H100 80GB HBM3", "a\nb"},
		{EV__V_TEXT, "22.04.5 LTS (Jammy Jellyfish)", "x  y"},
		{EV__V_OS_ID, "22.04", "Ubuntu"},
		{EV__V_OS_ID_LIST, "rhel fedora", "rhel  fedora"},
		{EV__V_PROVIDER, "aws", "acme-cloud"},
		{EV__V_SERVICE, "eks", "aws"},
		{EV__V_ACCELERATOR, "rtx-pro-6000", "nvidia"},
		{EV__V_TIMESTAMP, "2026-11-20T14:03:11.5+01:00", "2026-11-20"},
		{EV__V_API_VERSION, "aicr.nvidia.com/v1alpha1", "v1"},
		{EV__V_TEST_NAME, "K8s.server.version", "gpu check"},
		{EV__V_TEST_NAME, "a/b-c_d", "-leading"},
		{EV__V_TOOL_NAME, "aicr-validators/conformance", "Tool"},
		{EV__V_SPEC_VERSION, "0.0.1", "0.0.1-rc"},
		{EV__V_GENERATOR, "aicr", "acme-ci"},
		{EV__V_NOTE, "unknown-sku", "note"},
		/* encoded values ride in no kept field: base64 (of
		 * "acme-prod-training-7 10.0.3.7"), hex ids, UUIDs, base32 */
		{EV__V_TEST_NAME, "TestNCCLAllReduce8GPU",
		 "YWNtZS1wcm9kLXRyYWluaW5nLTcgMTAuMC4zLjc"},
		{EV__V_TEST_NAME, "gpu-operator-ready",
		 "check-YWNtZS1wcm9k/LXRyYWluaW5n"},
		{EV__V_TEST_NAME, "conformance/dra-gpu-allocation-v1beta1",
		 "check-YWNtZS1wcm9k-LXRyYWluaW5n"},
		{EV__V_TEST_NAME, "nccl-all-reduce-bw", "run-6f1c2e9a0b7d4c3e"},
		{EV__V_TEST_NAME, "TestEmit_FullKeepsRawSnapshotAndNoRedaction",
		 "us-west-2a/i-0abc123def4567890"},
		{EV__V_TEST_NAME, "IsCertChainError", "eyJhcGlWZXJzaW9uIjoi"},
		{EV__V_TEST_NAME, "dra.k8s.io/gpu-allocation",
		 "c0a8f3e2-1b4d-4e6f-9a7c-2d5e8f1a3b6c"},
		{EV__V_TEXT, "NVIDIA GB200 NVL72 HBM3E 186GB",
		 "NVIDIA MFRGGZDFMZTWQ2LKNNWG23TPOA"},
		{EV__V_TEXT, "Red Hat Enterprise Linux CoreOS 418.94",
		 "Ubuntu 22.04 (0123456789abcdef0123)"},
		{EV__V_TEXT, "Ubuntu 22.04.5 LTS", "Ubuntu QUNNRS1wcm9k+dHJhaW4"},
		{EV__V_K8S_VERSION, "v1.30.14-eks-931bdca",
		 "v1.30.14-eks-931bdca5e77f0c2d9a"},
		{EV__V_TOOL_NAME, "aicr-validators/performance",
		 "t/0af3c9b1e2d47a5f66"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (!ev__value_ok(cases[i].kind, cases[i].ok))
			t_fail_at(__FILE__, __LINE__, "%s refused (kind %d)",
				  cases[i].ok, (int)cases[i].kind);
		if (ev__value_ok(cases[i].kind, cases[i].bad))
			t_fail_at(__FILE__, __LINE__, "%s accepted (kind %d)",
				  cases[i].bad, (int)cases[i].kind);
	}
	T_ASSERT(!ev__value_ok(EV__V_COUNT, NULL));
}

/* Review finding 01: no kept value names or locates a machine, a person
 * or a file. Every hostile core, alone and inside the text a real value
 * has around it, is refused by every kind of string field; the real values
 * beside it still pass. */
void test_evidence_bundle__no_kept_value_is_a_host_or_address(void)
{
	static const char *const hostile[] = {
		"10.0.12.34", "192.168.1.20", "172.31.255.254", "0.0.0.0",
		"255.255.255.255", "100.64.0.1", "ip-10-0-12-34",
		"ip-10-0-12-34.ec2.internal", "10-0-12-34", "10_0_12_34",
		/* doubled separators (review satk4 01, 04) */
		"10--0--12--34", "10__0__12__34", "10..0..12..34",
		"ip--10--0--12--34", "ip__10__0__12__34", "10---0-12-34",
		/* node names in capitals or with '_' (review satk4 02) */
		"GKE-prod-default-pool-1a2b3c4d-x7k2",
		"gke-prod-default-pool-1a2b3c4d-X7K2",
		"gke_prod_default_pool_1a2b3c4d_x7k2",
		"AKS-NODEPOOL1-12345678-VMSS000001",
		"aks_nodepool1_12345678_vmss000001",
		"ip-172-31-5-9.us-west-2.compute.internal",
		"ec2-54-12-34-56.compute-1.amazonaws.com",
		"i-0abc123def4567890.us-west-2.compute.internal",
		"node7.acme.corp", "gpu-node-3.cluster.local", "redis.svc",
		"db1.internal", "NODE7.ACME.CORP", "nas.lan", "h.localdomain",
		"r1.home.arpa", "34.12.10.in-addr.arpa", "nb.home",
		"vm.intranet", "x.private", "build.localhost",
		"instance-1.us-central1-a.c.acme-prod.internal",
		"gke-prod-default-pool-1a2b3c4d-x7k2",
		"gke-c1-gpu-pool-0f9e8d7c-ab12",
		"aks-nodepool1-12345678-vmss000001",
		"aks-gpupool-87654321-0", "akswin-x.cloudapp.net",
		"myaks-dns-7a8b9c0d.hcp.eastus.azmk8s.io",
		"vm1.internal.cloudapp.net", "n1.subnet.vcn.oraclevcn.com",
		"li-1.ip.linodeusercontent.com",
		"2001-db8-0-0-0-0-0-1.ipv6-literal.net",
		"34.1.2.3.bc.googleusercontent.com", "fd00::1", "::1",
		"fe80::1ff:fe23:4567:890a", "2001:db8:0:0:0:0:0:1",
		"10.0.0.1:6443", "node7:22", "alice@acme.com", "root@node7",
		"https://acme.example/x", "http://10.0.0.1", "file:///etc/x",
		"s3://acme-bucket/x", "home/alice//kubeconfig", "a/../etc",
		"x/.kube/config", "C:\\Users\\alice"};
	static const char *const around[][2] = {
		{"", ""},	{"x", ""},	     {"", "/x"},
		{"", ".x"},	{"Ubuntu 22.04 ", ""}, {"v1.2.3-", ""},
		{"a/", "/b"}, {"Ubuntu (", ")"}};
	static const ev__vkind kinds[] = {
		EV__V_COUNT,	   EV__V_VERSION,  EV__V_K8S_VERSION,
		EV__V_KERNEL,	   EV__V_GO_VERSION, EV__V_PLATFORM,
		EV__V_TEXT,	   EV__V_OS_ID,	   EV__V_OS_ID_LIST,
		EV__V_API_VERSION, EV__V_TEST_NAME, EV__V_TOOL_NAME,
		EV__V_SPEC_VERSION, EV__V_TIMESTAMP};
	static const struct {
		ev__vkind kind;
		const char *v;
	} real[] = {
		{EV__V_TEXT, "Ubuntu 22.04.5 LTS"},
		{EV__V_TEXT, "22.04.5 LTS (Jammy Jellyfish)"},
		{EV__V_TEXT, "Amazon Linux 2"},
		{EV__V_TEXT, "2"},
		{EV__V_TEXT, "Bottlerocket OS 1.19.2 (aws-k8s-1.29)"},
		{EV__V_TEXT, "Container-Optimized OS from Google"},
		{EV__V_TEXT, "Debian GNU/Linux 12 (bookworm)"},
		{EV__V_TEXT, "Red Hat Enterprise Linux CoreOS 415.92.202402201450-0"},
		{EV__V_TEXT, "Fedora CoreOS 39.20240210.3.0"},
		{EV__V_TEXT, "Talos (v1.6.4)"},
		{EV__V_TEXT, "NVIDIA H100 80GB HBM3"},
		{EV__V_TEXT, "NVIDIA A100-SXM4-80GB"},
		{EV__V_TEXT, "Tesla T4"},
		{EV__V_TEXT, "Ubuntu"},
		{EV__V_K8S_VERSION, "v1.33.1-eks-b9dc2a1"},
		{EV__V_K8S_VERSION, "v1.28.5-gke.1217000"},
		{EV__V_K8S_VERSION, "v1.29.3+k3s1"},
		{EV__V_KERNEL, "6.8.0-1021-aws"},
		{EV__V_KERNEL, "5.15.0-91-generic"},
		{EV__V_KERNEL, "5.10.210-201.852.amzn2"},
		{EV__V_KERNEL, "4.18.0-513.11.1.el8"},
		{EV__V_KERNEL, "10.0.17763.5329"},
		{EV__V_KERNEL, "6.1.0-18-cloud-amd64"},
		{EV__V_VERSION, "1.7.27"},
		{EV__V_VERSION, "1.7.11-1"},
		{EV__V_VERSION, "2.0.0-rc.1"},
		{EV__V_OS_ID, "ubuntu"},
		{EV__V_OS_ID, "22.04"},
		{EV__V_OS_ID_LIST, "rhel fedora"},
		{EV__V_API_VERSION, "aicr.nvidia.com/v1alpha1"},
		{EV__V_TEST_NAME, "gpu-operator-ready"},
		{EV__V_TEST_NAME, "K8s.server.version"},
		{EV__V_TEST_NAME, "dra.k8s.io/gpu-allocation"},
		{EV__V_TEST_NAME, "conformance/dra-gpu-allocation-v1beta1"},
		{EV__V_TEST_NAME, "TestNCCL/all-reduce/8-gpu"},
		{EV__V_TEST_NAME, "aks-gpu-driver-check"},
		{EV__V_TEST_NAME, "gke-accelerator-label"},
		{EV__V_TOOL_NAME, "aicr-validators/conformance"},
		{EV__V_TOOL_NAME, "aicr"},
		{EV__V_TOOL_NAME, "pulumi-nvidia-aicr"},
		{EV__V_TIMESTAMP, "2026-11-20T14:03:11.5+01:00"},
		{EV__V_SOURCE,
		 "nodeTopology.label.topology.kubernetes.io/region"},
	};
	char v[256];
	size_t refused = 0;

	for (size_t h = 0; h < sizeof(hostile) / sizeof(hostile[0]); h++) {
		for (size_t a = 0; a < sizeof(around) / sizeof(around[0]); a++) {
			snprintf(v, sizeof(v), "%s%s%s", around[a][0],
				 hostile[h], around[a][1]);
			for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]);
			     k++) {
				if (ev__value_ok(kinds[k], v))
					t_fail_at(__FILE__, __LINE__,
						  "%s accepted (kind %d)", v,
						  (int)kinds[k]);
				refused++;
			}
		}
	}
	T_ASSERT(refused > 5000);
	for (size_t i = 0; i < sizeof(real) / sizeof(real[0]); i++) {
		if (!ev__value_ok(real[i].kind, real[i].v))
			t_fail_at(__FILE__, __LINE__, "%s refused (kind %d)",
				  real[i].v, (int)real[i].kind);
	}
	/* a host name as a product name's whole value: no capital, no space */
	T_ASSERT(!ev__value_ok(EV__V_TEXT, "acme-gpu-07"));
	T_ASSERT(!ev__value_ok(EV__V_TEXT, "worker7"));
}

void test_evidence_bundle__only_public_pinned_validator_images_publish(void)
{
	T_ASSERT(ev__image_public("ghcr.io/nvidia/aicr-validators/d:v1.0.0"));
	T_ASSERT(ev__image_public(
		"nvcr.io/nvidia/x@sha256:"
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"));
	T_ASSERT(!ev__image_public("registry.acme.corp/validators/d:v1"));
	T_ASSERT(!ev__image_public("ghcr.io/nvidia/d"));	     /* unpinned */
	T_ASSERT(!ev__image_public("ghcr.io/Acme/d:v1"));    /* grammar */
	T_ASSERT(!ev__image_public("ghcr.io/nvidia/d@sha256:abc")); /* digest */
	T_ASSERT(!ev__image_public("user:pw@ghcr.io/nvidia/d:v1"));
	T_ASSERT(!ev__image_public("d:v1"));
}

/* True iff the minimal policy would sign `img` into validatorImages: a
 * public registry's (ev__image_public), its tag and path holding nothing
 * private (ev__image_private; emit refuses it otherwise). */
static bool image_published(const char *img)
{
	ev__image_why why;

	return ev__image_public(img) && !ev__image_private(img, &why);
}

/* Review finding 13: the tag and every path component of a published
 * validator image are held to the rules of every kept value -- a token, an
 * address, a private DNS or node name, an encoded value in any position of
 * either is never published, on any public registry, with or without a
 * digest; real validator references are. */
void test_evidence_bundle__validator_image_tags_and_paths_publish_nothing_private(void)
{
#define DG "@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	static const char *const tags[] = {
		"ghp_0123456789abcdefABCDEF0123456789abcd",
		"gho_Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0Lz9Xc8",
		"ghs_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		"github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123",
		"glpat-xY9zAb3CdEf5GhIj7KlM",
		"glpat-aaaaaaaaaaaaaaaaaaaa",
		"xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
		"xoxp-1234567890-abcdefghij",
		"AKIAIOSFODNN7EXAMPLE",
		"ASIA2OGYBAH6QXYZ3J7K",
		"AKIAAAAAAAAAAAAAAAAA",
		"AIzaSyD-0123456789abcdefABCDEF_ghijkl",
		"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
		"eyJhbGciOiJSUzI1NiJ9",
		"nvapi-AbCdEf0123456789GhIjKlMnOpQrSt",
		"hf_abcdefghijklmnopqrstuvwxyzABCDEFGH",
		"sk-proj-abcdefghijklmnopqrstuvwx",
		"ip-10-0-12-34",
		"ip-10-0-12-34.ec2.internal",
		"ip-172-31-5-9.us-west-2.compute.internal",
		"10.0.12.34",
		"192.168.1.20",
		"10_0_12_34",
		"10-0-12-34",
		"node7.acme.corp",
		"gpu-3.cluster.local",
		"worker77.internal",
		"build77.localdomain",
		"vm1.internal.cloudapp.net",
		"ec2-54-77-12-3.compute-1.amazonaws.com",
		"build7.acme.com",
		"alice.example.com",
		"ci-runner.corp-net.io",
		"myaks-dns-7a8b9c0d.hcp.eastus.azmk8s.io",
		"gke-prod-default-pool-1a2b3c4d-x7k2",
		"aks-nodepool1-12345678-vmss000001",
		"YWNtZS1wcm9kLWNsdXN0ZXItc2VjcmV0",
		"Zm9vYmFyYmF6cXV4cXV1eA",
		"0f8fad5b-d9cb-469f-a165-70867728950e",
		"i-0abc123def4567890",
		"JBSWY3DPEHPK3PXP4GZQ6RLA",
		/* review satk4 01, 02 */
		"10--0--12--34",
		"ip__10__0__12__34",
		"10..0..12..34",
		"v1.2.3-ip-10--0--12--34",
		"GKE-prod-default-pool-1a2b3c4d-x7k2",
		"gke_prod_default_pool_1a2b3c4d_x7k2",
		"AKS-NODEPOOL1-12345678-VMSS000001",
		"i_0abc123def4567890",
		"I-0ABC123DEF4567890",
	};
	static const char *const around[][2] = {
		{"", ""}, {"v1.2.3-", ""}, {"", "-v1"}, {"1.0_", ""},
		{"", ".1"}, {"release-", ""}, {"v0.5.0-", "-amd64"},
	};
	static const char *const paths[] = {
		"10.0.0.5", "172.16.5.9", "ip-10-0-0-5", "10-0-0-5", "10_0_0_5",
		"alice.corp", "node7.internal", "gpu.cluster.local",
		"acme.com", "build7.acme.net", "alice.example",
		"svc.lan", "gke-prod-default-pool-1a2b3c4d-x7k2",
		"aks-nodepool1-12345678-vmss000001",
		"ghp_0123456789abcdefabcdef0123456789abcd",
		"glpat-aaaaaaaaaaaaaaaaaaaa", "xoxb-1234567890-abcdefghijk",
		"d41d8cd98f00b204e9800998ecf8427e",
		"team-d41d8cd98f00b204e9800998ecf8427e",
		"0f8fad5b-d9cb-469f-a165-70867728950e", "i-0abc123def4567890",
	};
	static const char *const path_around[][2] = {
		{"", "/validator"}, {"nvidia/", "/validator"}, {"nvidia/", ""},
		{"nvidia/aicr/", "/conformance"},
	};
	static const char *const hosts[] = {"nvcr.io/nvidia/v", "ghcr.io/nvidia/aicr-validators/conformance",
					    "docker.io/library/ubuntu", "quay.io/acme/v"};
	static const char *const path_hosts[] = {"nvcr.io", "ghcr.io", "docker.io",
						 "registry.k8s.io", "public.ecr.aws"};
	static const char *const never[] = {
		"nvcr.io/alice@corp.example/validator:v1",
		"nvcr.io/nvidia/v:v1@alice@corp.example",
		"host/10.0.0.5/img:v1",
		"10.0.0.5:5000/validators/conformance:v1",
		"registry.acme.corp/validators/conformance:v1",
		"ip-10-0-0-5.ec2.internal/v:v1",
		"nvcr.io/home/alice/../v:v1",
		"nvcr.io//v:v1",
		"nvcr.io/nvidia/v:https://x",
	};
	static const char *const real[] = {
		"nvcr.io/nvidia/aicr-validators/conformance:v0.5.0",
		"nvcr.io/nvidia/pytorch:25.01-py3",
		"nvcr.io/nvidia/cuda:12.4.1-cudnn-devel-ubuntu22.04",
		"nvcr.io/nvidia/cuda:12.6.3-base-ubi9",
		"nvcr.io/nvidia/cuda:12.8.0-cudnn-runtime-ubuntu24.04",
		"nvcr.io/nvidia/k8s/dcgm-exporter:3.3.9-3.6.1-ubuntu22.04",
		"nvcr.io/nvidia/k8s/container-toolkit:v1.17.4-ubuntu20.04",
		"nvcr.io/nvidia/gpu-operator:v24.9.2",
		"nvcr.io/nvidia/cloud-native/gpu-operator-validator:v24.9.2",
		"nvcr.io/nvidia/cloud-native/k8s-driver-manager:v0.7.0",
		"nvcr.io/nvidia/driver:550.127.05-ubuntu22.04",
		"nvcr.io/nvidia/driver:570.86.15-rhcos4.16",
		"nvcr.io/nvidia/k8s-device-plugin:v0.17.0-ubi9",
		"nvcr.io/nvidia/tritonserver:24.12-py3-igpu",
		"nvcr.io/nvidia/nemo:24.07",
		"nvcr.io/nvidia/tensorrt-llm/release:0.17.0",
		"nvcr.io/nvidia/doca/doca_telemetry:1.14.2-doca2.2.0",
		"nvcr.io/nvidia/cloud-native/dcgm:3.3.9-1-ubuntu22.04",
		"ghcr.io/nvidia/aicr-validators/deployment:v1.2.3-rc1",
		"ghcr.io/nvidia/aicr-validators/deployment:v1.2.3-rc1-amd64-cuda12-py3",
		"ghcr.io/nvidia/aicr-validators/deployment:v0.11.0-beta.2",
		"ghcr.io/nvidia/aicr-validators/deployment:v2.0.0-alpha.1",
		"ghcr.io/nvidia/aicr-validators/conformance:sha-1a2b3c4",
		"ghcr.io/nvidia/aicr-validators/conformance:sha-0123456789abcdef0123456789abcdef01234567",
		"ghcr.io/nvidia/aicr-validators/conformance:0123456789abcdef0123456789abcdef01234567",
		"ghcr.io/nvidia/aicr-validators/conformance:"
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		"ghcr.io/nvidia/aicr-validators/conformance:1a2b3c4",
		"ghcr.io/nvidia/aicr-validators/conformance:2025-01-15",
		"ghcr.io/nvidia/aicr-validators/conformance:2025.01.15",
		"ghcr.io/nvidia/aicr-validators/conformance:20250115",
		"ghcr.io/nvidia/aicr-validators/conformance:nightly-20250115",
		"ghcr.io/nvidia/aicr-validators/conformance:20250115-1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b",
		"ghcr.io/nvidia/aicr-validators/conformance:v0.5.0-3-g1a2b3c4",
		"ghcr.io/nvidia/aicr-validators/conformance:v0.5.0-12-g1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b",
		"ghcr.io/nvidia/aicr-validators/conformance:main-1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b",
		"ghcr.io/nvidia/k8s-device-plugin:v0.17.0",
		"docker.io/library/ubuntu:22.04",
		"docker.io/library/busybox:1.36.1",
		"docker.io/library/python:3.12-slim-bookworm",
		"docker.io/library/golang:1.23.4-bookworm",
		"docker.io/library/alpine:3.21",
		"docker.io/nvidia/cuda:12.4.1-base-ubuntu22.04",
		"registry.k8s.io/e2e-test-images/agnhost:2.52",
		"registry.k8s.io/pause:3.10",
		"registry.k8s.io/kube-proxy:v1.31.4",
		"quay.io/prometheus/node-exporter:v1.8.2",
		"public.ecr.aws/eks-distro/kubernetes/pause:v1.29.5-eks-1-29-latest",
		"mcr.microsoft.com/oss/kubernetes/pause:3.6",
		"gcr.io/k8s-staging-nfd/node-feature-discovery:v0.16.6",
		"nvcr.io/nvidia/aicr-validators/conformance" DG,
		"nvcr.io/nvidia/aicr-validators/conformance:v0.5.0" DG,
		"ghcr.io/nvidia/aicr-validators/conformance:latest" DG,
	};
	char img[512], part[256];
	size_t refused = 0;

	for (size_t t = 0; t < sizeof(tags) / sizeof(tags[0]); t++)
		for (size_t a = 0; a < sizeof(around) / sizeof(around[0]); a++)
			for (size_t h = 0; h < sizeof(hosts) / sizeof(hosts[0]);
			     h++)
				for (int d = 0; d < 2; d++) {
					snprintf(img, sizeof(img), "%s:%s%s%s%s",
						 hosts[h], around[a][0], tags[t],
						 around[a][1], d ? DG : "");
					if (image_published(img))
						t_fail_at(__FILE__, __LINE__,
							  "%s published", img);
					refused++;
				}
	for (size_t p = 0; p < sizeof(paths) / sizeof(paths[0]); p++)
		for (size_t a = 0;
		     a < sizeof(path_around) / sizeof(path_around[0]); a++)
			for (size_t h = 0;
			     h < sizeof(path_hosts) / sizeof(path_hosts[0]);
			     h++) {
				snprintf(part, sizeof(part), "%s%s%s",
					 path_around[a][0], paths[p],
					 path_around[a][1]);
				snprintf(img, sizeof(img), "%s/%s:v1.0.0",
					 path_hosts[h], part);
				if (image_published(img))
					t_fail_at(__FILE__, __LINE__,
						  "%s published", img);
				snprintf(img, sizeof(img), "%s/%s%s",
					 path_hosts[h], part, DG);
				if (image_published(img))
					t_fail_at(__FILE__, __LINE__,
						  "%s published", img);
				refused += 2;
			}
	for (size_t i = 0; i < sizeof(never) / sizeof(never[0]); i++) {
		if (image_published(never[i]))
			t_fail_at(__FILE__, __LINE__, "%s published", never[i]);
	}
	T_ASSERT(refused > 2500);
	for (size_t i = 0; i < sizeof(real) / sizeof(real[0]); i++) {
		ev__image_why why;
		if (!ev__image_public(real[i]))
			t_fail_at(__FILE__, __LINE__, "%s not public", real[i]);
		if (ev__image_private(real[i], &why))
			t_fail_at(__FILE__, __LINE__,
				  "%s refused: its %s holds %s", real[i],
				  why.part, why.reason);
	}
#undef DG
}

/* The credential-token prefixes hold for every kept value (a test name,
 * a tool name, a version suffix), and a name that merely starts like one
 * is not taken for a token. */
void test_evidence_bundle__kept_values_hold_no_credential_token(void)
{
	static const char *const tokens[] = {
		"ghp_0123456789abcdefABCDEF0123456789abcd",
		"glpat-xY9zAb3CdEf5GhIj7KlM",
		"xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
		"AKIAIOSFODNN7EXAMPLE",
		"eyJhbGciOiJSUzI1NiJ9",
		"nvapi-AbCdEf0123456789GhIjKlMnOpQrSt",
		"sk-proj-abc123def456ghi789jkl012",
	};
	static const char *const names[] = {
		"sk-learn-compatibility-suite-checks",
		"eyJumpingTestOfSomething",
		"AKIAbcdefghijklmnopqrstu",
		"hf_transformers_inference_benchmark_llama",
		"npm_install_reproducible_lockfile_check",
		"ghp_token_rotation",
	};
	char v[160];

	for (size_t i = 0; i < sizeof(tokens) / sizeof(tokens[0]); i++) {
		snprintf(v, sizeof(v), "check-%s", tokens[i]);
		if (ev__value_ok(EV__V_TEST_NAME, v) ||
		    ev__value_ok(EV__V_TOOL_NAME, v))
			t_fail_at(__FILE__, __LINE__, "%s kept", v);
		snprintf(v, sizeof(v), "1.2.3-%s", tokens[i]);
		if (ev__value_ok(EV__V_VERSION, v))
			t_fail_at(__FILE__, __LINE__, "%s kept", v);
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!ev__value_ok(EV__V_TEST_NAME, names[i]))
			t_fail_at(__FILE__, __LINE__, "%s refused", names[i]);
	}
}

/* The refusal names the part of the reference and why. */
void test_evidence_bundle__a_private_image_part_is_named(void)
{
	ev__image_why why;
	const char *img = "nvcr.io/nvidia/ip-10-0-0-5/v:v1";

	T_ASSERT(ev__image_private(img, &why));
	T_ASSERT_STR(why.part, "path component");
	T_ASSERT_INT(why.len, strlen("ip-10-0-0-5"));
	T_ASSERT(strncmp(why.at, "ip-10-0-0-5", why.len) == 0);
	T_ASSERT_STR(why.reason, "an IPv4 address");
	T_ASSERT(ev__image_private("nvcr.io/nvidia/v:AKIAIOSFODNN7EXAMPLE",
				   &why));
	T_ASSERT_STR(why.part, "tag");
	T_ASSERT_STR(why.reason, "an AWS access key id");
	T_ASSERT(ev__image_private("nvcr.io/nvidia/v:gke-a-b-1a2b3c4d-x7k2",
				   &why));
	T_ASSERT_STR(why.reason, "a GKE or AKS node name");
	/* the registry host is ev__image_public's: never judged here */
	T_ASSERT(!ev__image_private("nvcr.io/nvidia/v:v1", &why));
	T_ASSERT(why.part == NULL && why.reason == NULL);
	T_ASSERT(!ev__image_private(NULL, &why));
}

/* One reading of an image reference (evidence/core/imgref.c) and emit's
 * mutable-tag gate on it (review finding 05): no tag and no digest is
 * :latest; a digest pins whatever the tag; a registry port is no tag. */
void test_evidence_bundle__validator_image_pins(void)
{
#define D "sha256:0123456789abcdef0123456789abcdef0123456789abcdef01234567" \
	  "89abcdef"
	static const struct {
		const char *ref, *host, *path, *tag, *digest;
		ev__image_pin pin;
	} cases[] = {
		{"nvcr.io/nvidia/aicr-validator", "nvcr.io", "nvidia/aicr-validator",
		 NULL, NULL, EV__IMAGE_UNTAGGED},
		{"nvcr.io/nvidia/v:latest", "nvcr.io", "nvidia/v", "latest", NULL,
		 EV__IMAGE_MUTABLE_TAG},
		{"nvcr.io/nvidia/v:edge", "nvcr.io", "nvidia/v", "edge", NULL,
		 EV__IMAGE_MUTABLE_TAG},
		{"host:5000/img", "host:5000", "img", NULL, NULL,
		 EV__IMAGE_UNTAGGED},
		{"host:5000/img:latest", "host:5000", "img", "latest", NULL,
		 EV__IMAGE_MUTABLE_TAG},
		{"host:5000/img:v1", "host:5000", "img", "v1", NULL,
		 EV__IMAGE_FIXED},
		{"localhost/img", "localhost", "img", NULL, NULL,
		 EV__IMAGE_UNTAGGED},
		{"library/busybox", NULL, "library/busybox", NULL, NULL,
		 EV__IMAGE_UNTAGGED},
		{"busybox", NULL, "busybox", NULL, NULL, EV__IMAGE_UNTAGGED},
		{"busybox:1.36", NULL, "busybox", "1.36", NULL, EV__IMAGE_FIXED},
		{"img@" D, NULL, "img", NULL, D, EV__IMAGE_FIXED},
		{"img:latest@" D, NULL, "img", "latest", D, EV__IMAGE_FIXED},
		{"h.io:443/a/b:v1.2@" D, "h.io:443", "a/b", "v1.2", D,
		 EV__IMAGE_FIXED},
		{"img@sha256:abc", NULL, "img", NULL, "sha256:abc",
		 EV__IMAGE_FIXED}, /* not pullable; not :latest either */
		{"ghcr.io@acme.corp/x:v1", NULL, "ghcr.io", NULL,
		 "acme.corp/x:v1", EV__IMAGE_FIXED},
		{"img:latest@sha256:abc", NULL, "img", "latest", "sha256:abc",
		 EV__IMAGE_MUTABLE_TAG},
		{"img:", NULL, "img", "", NULL, EV__IMAGE_UNTAGGED},
		{"img:latest-1", NULL, "img", "latest-1", NULL, EV__IMAGE_FIXED},
		{"img:Latest", NULL, "img", "Latest", NULL, EV__IMAGE_FIXED},
	};
#undef D

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ae_imgref r;
		const char *want[4] = {cases[i].host, cases[i].path,
				       cases[i].tag, cases[i].digest};
		ae_imgref_split(&r, cases[i].ref);
		const char *got[4] = {r.host, r.path, r.tag, r.digest};
		size_t len[4] = {r.host_len, r.path_len, r.tag_len,
				 r.digest_len};
		for (int k = 0; k < 4; k++) {
			if ((want[k] == NULL) != (got[k] == NULL) ||
			    (want[k] != NULL &&
			     (len[k] != strlen(want[k]) ||
			      memcmp(got[k], want[k], len[k]) != 0)))
				t_fail_at(__FILE__, __LINE__,
					  "%s: part %d is %.*s, want %s",
					  cases[i].ref, k, got[k] ? (int)len[k] : 4,
					  got[k] ? got[k] : "NULL",
					  want[k] ? want[k] : "NULL");
		}
		if (ev__image_pin_of(cases[i].ref) != cases[i].pin)
			t_fail_at(__FILE__, __LINE__, "%s: pin %d, want %d",
				  cases[i].ref, (int)ev__image_pin_of(cases[i].ref),
				  (int)cases[i].pin);
	}
	T_ASSERT(!ev__image_public("nvcr.io/nvidia/aicr-validator"));
	T_ASSERT(ev__image_public("nvcr.io/nvidia/v:latest"));
}

/* emit_memory's reports and every report we write: counted from the
 * tests, by the in-memory count and the streaming one alike. */
void test_evidence_bundle__the_streaming_count_is_the_tree_count(void)
{
	static const char *const docs[] = {
		"{\"results\":{\"tests\":[{\"name\":\"a\",\"status\":\"passed\"},"
		"{\"status\":\"failed\",\"name\":\"b\",\"x\":[1,{\"status\":"
		"\"passed\"}]},{\"name\":\"c\",\"status\":\"crashed\"},{\"name\":"
		"\"d\",\"status\":\"pending\",\"n\":-1.5e3,\"t\":true,\"f\":false,"
		"\"z\":null}],\"summary\":{\"tests\":4,\"passed\":1,"
		"\"failed\":1,\"pending\":1,\"other\":1}}}",
		"{\"results\":{\"tests\":[]}}",
		NULL};
	static const char *const bad[] = {
		"{\"results\":{}}",
		"{\"results\":{\"tests\":[{\"name\":\"a\"}]}}",
		"{\"results\":{\"tests\":[{\"name\":\"a\",\"status\":1}]}}",
		"{\"results\":{\"tests\":[{\"name\":\"a\",\"status\":\"passed\","
		"\"status\":\"failed\"}]}}",
		"{\"results\":{\"tests\":[]}} {}",
		"{\"results\":{\"tests\":[]}",
		"{\"results\":{\"tests\":[tru]}}",
		NULL};

	for (size_t i = 0; docs[i] != NULL; i++) {
		ev__phase a, b;
		ev__ctrf_counter *cc = NULL;
		ae_err err = {0};
		T_ASSERT_INT(ev__ctrf_recount(&a, S(docs[i]), &err), 0);
		T_ASSERT_INT(ev__ctrf_counter_new(&cc, &err), 0);
		/* fed one byte at a time: state crosses every chunk edge */
		for (size_t k = 0; k < strlen(docs[i]); k++)
			ev__ctrf_counter_feed(cc, docs[i] + k, 1);
		T_ASSERT_INT(ev__ctrf_counter_finish(&b, cc, &err), 0);
		ev__ctrf_counter_free(cc);
		T_ASSERT(a.passed == b.passed && a.failed == b.failed &&
			 a.skipped == b.skipped && a.pending == b.pending &&
			 a.other == b.other);
	}
	{
		ev__phase a;
		ae_err err = {0};
		T_ASSERT_INT(ev__ctrf_recount(&a, S(docs[0]), &err), 0);
		T_ASSERT_INT(a.passed, 1);
		T_ASSERT_INT(a.failed, 1);
		T_ASSERT_INT(a.pending, 1);
		T_ASSERT_INT(a.other, 1); /* crashed */
	}
	for (size_t i = 0; bad[i] != NULL; i++) {
		ev__phase b;
		ev__ctrf_counter *cc = NULL;
		ae_err err = {0};
		T_ASSERT_INT(ev__ctrf_counter_new(&cc, &err), 0);
		ev__ctrf_counter_feed(cc, bad[i], strlen(bad[i]));
		if (ev__ctrf_counter_finish(&b, cc, &err) != AE_EINVAL)
			t_fail_at(__FILE__, __LINE__, "accepted: %s", bad[i]);
		T_ASSERT_MSG(err, "not a CTRF report");
		ev__ctrf_counter_free(cc);
	}
}

/* The streaming count verify runs is exactly as strict as emit's parser
 * (ae_json_parse, the tally, the spellings and the summary): every report
 * emit refuses, verify refuses -- a malformed or self-contradicting
 * shipped report is never counted (review finding: trailing commas, a
 * leading zero, a test that is not an object, a reportFormat other than
 * CTRF, a key spelled like ReportFormat, a summary that lies). */
void test_evidence_bundle__the_streaming_count_refuses_what_emit_refuses(void)
{
#define T1 "{\"name\":\"a\",\"status\":\"passed\"}"
	static const char *const bad[] = {
		"{\"results\":{\"tests\":[" T1 ",]}}",
		"{\"results\":{\"tests\":[" T1 "],}}",
		"{\"results\":{\"tests\":[{\"name\":\"a\",\"status\":\"passed\",}]}}",
		"{\"results\":{\"tests\":[" T1 "],\"x\":01}}",
		"{\"results\":{\"tests\":[" T1 "],\"x\":-01}}",
		"{\"results\":{\"tests\":[" T1 "],\"x\":1.}}",
		"{\"results\":{\"tests\":[" T1 "],\"x\":.5}}",
		"{\"results\":{\"tests\":[" T1 "],\"x\":-}}",
		"{\"results\":{\"tests\":[" T1 "],\"x\":1e}}",
		"{\"results\":{\"tests\":[" T1 "],\"x\":1e+}}",
		"{\"results\":{\"tests\":[" T1 "],\"x\":+1}}",
		"{\"results\":{\"tests\":[" T1 "],\"x\":1-2}}",
		"{\"results\":{\"tests\":[" T1 "],\"x\":99999999999999999999}}",
		"{\"results\":{\"tests\":[" T1 "],\"x\":1e999}}",
		"{\"results\":{\"tests\":[" T1 ",1]}}",
		"{\"results\":{\"tests\":[\"x\"," T1 "]}}",
		"{\"results\":{\"tests\":[[]]}}",
		"{\"results\":{\"tests\":[null]}}",
		"{\"reportFormat\":\"ctrf\",\"results\":{\"tests\":[" T1 "]}}",
		"{\"reportFormat\":1,\"results\":{\"tests\":[" T1 "]}}",
		"{\"ReportFormat\":\"CTRF\",\"results\":{\"tests\":[" T1 "]}}",
		"{\"results\":{\"Tool\":{},\"tests\":[" T1 "]}}",
		"{\"results\":{\"tool\":{\"image\":1},\"tests\":[" T1 "]}}",
		"{\"results\":{\"tool\":{\"Name\":\"x\"},\"tests\":[" T1 "]}}",
		"{\"results\":{\"tests\":[{\"name\":\"a\",\"status\":\"passed\","
		"\"Duration\":1}]}}",
		"{\"results\":{\"tests\":[" T1 "],\"x\":1,\"x\":2}}",
		"{\"results\":{\"tests\":[" T1 "],\"x\":\"\\ud800\"}}",
		"{\"results\":{\"tests\":[" T1 "],\"x\":\"\\udc00x\"}}",
		"{\"results\":{\"tests\":[" T1 "],\"x\":\"\xff\"}}",
		"{\"results\":{\"tests\":[" T1 "],\"x\":\"\xc0\xaf\"}}",
		"{\"results\":{\"tests\":[" T1 "],\"x\":\"\xed\xa0\x80\"}}",
		"{\"results\":{\"tests\":[" T1 "],\"summary\":{\"tests\":2}}}",
		"{\"results\":{\"tests\":[" T1 "],\"summary\":{\"passed\":0}}}",
		"{\"results\":{\"summary\":{\"failed\":1},\"tests\":[" T1 "]}}",
		"{\"results\":{\"tests\":[" T1 "],\"summary\":{\"tests\":1.0,"
		"\"passed\":1}}}",
		"{\"results\":{\"tests\":[" T1 "],\"summary\":{\"tests\":\"1\","
		"\"passed\":1}}}",
		"{\"results\":{\"tests\":[" T1 "],\"summary\":[]}}",
		"{\"results\":{\"tests\":[" T1 "],\"summary\":{\"Passed\":1,"
		"\"tests\":1}}}",
		NULL};
	static const char *const good[] = {
		"{\"reportFormat\":\"CTRF\",\"results\":{\"summary\":{\"tests\":1,"
		"\"passed\":1,\"failed\":0,\"start\":5},\"tests\":[" T1 "]}}",
		"{\"results\":{\"tests\":[" T1 "],\"x\":[-0,0.5e-3,1E+2,-12.25,"
		"\"\\ud83d\\ude00\xc3\xa9\"]}}",
		NULL};
#undef T1

	for (size_t i = 0; bad[i] != NULL; i++) {
		ev__phase a, b;
		ev__ctrf_counter *cc = NULL;
		ae_err err = {0};
		void *doc = NULL;
		/* emit refuses it (the test's premise) ... */
		if (ae_json_parse(&doc, S(bad[i]), &err) == 0) {
			memset(&a, 0, sizeof(a));
			if (ev__ctrf_count(&a, doc, &err) == 0)
				t_fail_at(__FILE__, __LINE__,
					  "emit took: %s", bad[i]);
			json_decref(doc);
		}
		/* ... and so does verify, whole or a byte at a time */
		T_ASSERT_INT(ev__ctrf_counter_new(&cc, &err), 0);
		ev__ctrf_counter_feed(cc, bad[i], strlen(bad[i]));
		if (ev__ctrf_counter_finish(&b, cc, &err) != AE_EINVAL)
			t_fail_at(__FILE__, __LINE__, "verify took: %s", bad[i]);
		ev__ctrf_counter_free(cc);
		T_ASSERT_INT(ev__ctrf_counter_new(&cc, &err), 0);
		for (size_t k = 0; k < strlen(bad[i]); k++)
			ev__ctrf_counter_feed(cc, bad[i] + k, 1);
		if (ev__ctrf_counter_finish(&b, cc, &err) != AE_EINVAL)
			t_fail_at(__FILE__, __LINE__, "verify took (bytes): %s",
				  bad[i]);
		ev__ctrf_counter_free(cc);
		if (ev__ctrf_recount(&a, S(bad[i]), &err) != AE_EINVAL)
			t_fail_at(__FILE__, __LINE__, "recount took: %s",
				  bad[i]);
	}
	for (size_t i = 0; good[i] != NULL; i++) {
		ev__phase b;
		ev__ctrf_counter *cc = NULL;
		ae_err err = {0};
		T_ASSERT_INT(ev__ctrf_counter_new(&cc, &err), 0);
		for (size_t k = 0; k < strlen(good[i]); k++)
			ev__ctrf_counter_feed(cc, good[i] + k, 1);
		T_ASSERT_INT(ev__ctrf_counter_finish(&b, cc, &err), 0);
		ev__ctrf_counter_free(cc);
		T_ASSERT_INT(b.passed, 1);
	}
}

/* Go's encoding/json (the reference's CTRF reader) matches keys ignoring
 * case, reads U+017F as 's' and U+212A as 'k', and lets a later key win:
 * {"status":"passed","Status":"failed"} is a failed test to it. Both counts
 * refuse a report whose counted fields can be read two ways, and decode
 * escapes as a reader does ("p\u0061ssed" is passed). */
void test_evidence_bundle__a_key_read_two_ways_is_refused(void)
{
	static const char *const twice[] = {
		"{\"results\":{\"tests\":[{\"name\":\"a\",\"status\":\"passed\","
		"\"Status\":\"failed\"}]}}",
		"{\"results\":{\"tests\":[{\"name\":\"a\",\"status\":\"passed\","
		"\"STATUS\":\"failed\"}]}}",
		"{\"results\":{\"tests\":[{\"name\":\"a\",\"status\":\"passed\","
		"\"\xc5\xbftatus\":\"failed\"}]}}",
		"{\"results\":{\"tests\":[{\"name\":\"a\",\"status\":\"passed\","
		"\"\\u017ftatus\":\"failed\"}]}}",
		"{\"results\":{\"tests\":[{\"name\":\"a\",\"status\":\"passed\"}]},"
		"\"Results\":{\"tests\":[{\"name\":\"a\",\"status\":\"failed\"}]}}",
		"{\"results\":{\"tests\":[{\"name\":\"a\",\"status\":\"passed\"}],"
		"\"TESTS\":[{\"name\":\"b\",\"status\":\"failed\"}]}}",
		"{\"results\":{\"tests\":[{\"nAme\":\"a\",\"name\":\"b\","
		"\"status\":\"passed\"}]}}",
		NULL};
	static const char *const escaped =
		"{\"re\\u0073ults\":{\"tests\":[{\"name\":\"a\",\"status\":"
		"\"passed\"}]}}";
	static const char *const decoded =
		"{\"results\":{\"tests\":[{\"name\":\"a\",\"status\":\"p\\u0061"
		"ssed\"},{\"name\":\"b\",\"status\":\"f\\u0061iled\"}],"
		"\"Status\":1,\"x\":{\"Tests\":[]}}}";

	for (size_t i = 0; twice[i] != NULL; i++) {
		ev__phase a, b;
		ev__ctrf_counter *cc = NULL;
		ae_err err = {0}, err2 = {0};
		if (ev__ctrf_recount(&a, S(twice[i]), &err) != AE_EINVAL)
			t_fail_at(__FILE__, __LINE__, "tree count took: %s",
				  twice[i]);
		T_ASSERT_MSG(err, "reads as");
		T_ASSERT_INT(ev__ctrf_counter_new(&cc, &err2), 0);
		ev__ctrf_counter_feed(cc, twice[i], strlen(twice[i]));
		if (ev__ctrf_counter_finish(&b, cc, &err2) != AE_EINVAL)
			t_fail_at(__FILE__, __LINE__, "stream count took: %s",
				  twice[i]);
		ev__ctrf_counter_free(cc);
	}
	{ /* an escaped key is the key it decodes to, for every reader:
	   * "re\u0073ults" is the report's one results block */
		ev__phase a, b;
		ev__ctrf_counter *cc = NULL;
		ae_err err = {0};
		T_ASSERT_INT(ev__ctrf_recount(&a, S(escaped), &err), 0);
		T_ASSERT_INT(a.passed, 1);
		T_ASSERT_INT(ev__ctrf_counter_new(&cc, &err), 0);
		ev__ctrf_counter_feed(cc, escaped, strlen(escaped));
		T_ASSERT_INT(ev__ctrf_counter_finish(&b, cc, &err), 0);
		ev__ctrf_counter_free(cc);
		T_ASSERT_INT(b.passed, 1);
	}
	{ /* escaped statuses are the statuses; keys no reader counts pass */
		ev__phase a, b;
		ev__ctrf_counter *cc = NULL;
		ae_err err = {0};
		T_ASSERT_INT(ev__ctrf_recount(&a, S(decoded), &err), 0);
		T_ASSERT_INT(ev__ctrf_counter_new(&cc, &err), 0);
		for (size_t k = 0; k < strlen(decoded); k++)
			ev__ctrf_counter_feed(cc, decoded + k, 1);
		T_ASSERT_INT(ev__ctrf_counter_finish(&b, cc, &err), 0);
		ev__ctrf_counter_free(cc);
		T_ASSERT_INT(a.passed, 1);
		T_ASSERT_INT(a.failed, 1);
		T_ASSERT_INT(b.passed, 1);
		T_ASSERT_INT(b.failed, 1);
	}
	T_ASSERT(ev__key_folds_to("Status", 6, "status"));
	T_ASSERT(ev__key_folds_to("\xc5\xbftatu\xc5\xbf", 8, "status"));
	T_ASSERT(ev__key_folds_to("\xe2\x84\xaa" "ey", 5, "key"));
	T_ASSERT(!ev__key_folds_to("statu", 5, "status"));
	T_ASSERT(!ev__key_folds_to("statuss", 7, "status"));
	T_ASSERT(!ev__key_folds_to("st\xc5", 3, "sts")); /* cut UTF-8 */
	T_ASSERT(!ev__key_folds_to("\xc5\xbf", 1, "s"));
}

void test_evidence_bundle__a_summary_that_disagrees_is_refused(void)
{
	static const char *const lies[] = {
		"{\"results\":{\"tests\":[{\"name\":\"a\",\"status\":\"failed\"}],"
		"\"summary\":{\"tests\":1,\"passed\":1}}}",
		"{\"results\":{\"tests\":[{\"name\":\"a\",\"status\":\"failed\"}],"
		"\"summary\":{}}}",
		"{\"results\":{\"tests\":[],\"summary\":{\"tests\":50,\"passed\":"
		"50}}}",
		"{\"results\":{\"tests\":[],\"summary\":{\"passed\":-1}}}",
		NULL};
	ev__phase ph;
	json_t *j;
	ae_err err = {0};

	for (size_t i = 0; lies[i] != NULL; i++) {
		memset(&ph, 0, sizeof(ph));
		ae_err_clear(&err);
		j = json_loads(lies[i], 0, NULL);
		T_ASSERT(j != NULL);
		T_ASSERT_INT(ev__ctrf_count(&ph, j, &err), AE_EINVAL);
		T_ASSERT(!ph.present);
		json_decref(j);
	}
	T_ASSERT_MSG(err, "summary.passed is not a count");
}

void test_evidence_bundle__minimal_snapshot_validates_and_keeps_one_entry(void)
{
	static const char *const doc =
		"kind: Snapshot\napiVersion: aicr.nvidia.com/v1alpha1\n"
		"metadata: {timestamp: {x: leak1}, version: v0.1.0}\n"
		"fingerprint:\n"
		"  service: {value: eks, source: K8s.node.provider, x: leak2}\n"
		"  region: {value: leak3}\n"
		"  k8sVersion: {value: \"1.33\\nleak4\"}\n"
		"measurements:\n"
		"  - type: K8s\n    subtypes:\n"
		"      - subtype: server\n        data: {version: v1.33.1}\n"
		"      - subtype: server\n        data: {version: v9.9.9}\n"
		"  - type: GPU\n    subtypes:\n"
		"      - subtype: hardware\n        data: {gpu-count: \"8\", "
		"gpu-present: true, model: [leak5]}\n";
	ae_buf out;
	ae_err err = {0};

	T_ASSERT_INT(ev_snapshot_redact(&out, S(doc), EV_REDACT_MINIMAL, &err),
		     0);
	T_ASSERT(strstr((char *)out.data, "leak") == NULL);
	T_ASSERT(strstr((char *)out.data, "v9.9.9") == NULL);
	T_ASSERT(strstr((char *)out.data, "version: v1.33.1") != NULL);
	T_ASSERT(strstr((char *)out.data, "gpu-present: true") != NULL);
	T_ASSERT(strstr((char *)out.data, "gpu-count") == NULL); /* quoted */
	T_ASSERT(strstr((char *)out.data, "value: eks") != NULL);
	T_ASSERT(strstr((char *)out.data, "metadata:\n  version: v0.1.0") !=
		 NULL);
	ae_buf_dispose(&out);
}

void test_evidence_bundle__minimal_fingerprint_takes_only_kept_values(void)
{
	ae_yaml_node *tree = NULL;
	json_t *fp = NULL;
	ae_err err = {0};

	T_ASSERT_INT(ae_yaml_parse(&tree, S(snap), &err), 0);
	T_ASSERT_INT(ev__snapshot_fingerprint((void **)&fp, tree,
					      EV_REDACT_MINIMAL, &err),
		     0);
	T_ASSERT(json_object_get(fp, "region") == NULL);
	T_ASSERT_STR(json_string_value(json_object_get(
			     json_object_get(fp, "service"), "value")),
		     "eks");
	T_ASSERT_STR(json_string_value(json_object_get(
			     json_object_get(fp, "gpuModel"), "value")),
		     "NVIDIA H100");
	json_decref(fp);
	ae_yaml_free(tree);
}

void test_evidence_bundle__recipe_fields_beyond_the_schema_are_listed(void)
{
	static const char *const doc =
		"kind: RecipeResult\nmetadata: {version: v1, name: acme-x, "
		"selectedProfile: {any: thing}}\n"
		"criteria: {service: eks, customer: acme}\n"
		"componentRefs:\n"
		"  - {name: a, overrides: {deep: {ok: 1}}, values: {pw: x}}\n"
		"validation:\n  deployment:\n    nodeSelection: {selector: "
		"{k: v}, bogus: 1}\n"
		"annotations: {a: b}\n";
	ae_yaml_node *tree = NULL;
	ae_buf out;
	size_t n = 0;
	const char *want[] = {"metadata.name", "criteria.customer",
			      "componentRefs[0].values",
			      "validation.deployment.nodeSelection.bogus",
			      "annotations"};
	const char *p;
	ae_err err = {0};

	T_ASSERT_INT(ae_yaml_parse(&tree, S(doc), &err), 0);
	T_ASSERT_INT(ev_recipe_extra_fields(&out, &n, tree, &err), 0);
	T_ASSERT_INT(n, 5);
	p = (const char *)out.data;
	for (size_t i = 0; i < n; i++, p += strlen(p) + 1)
		T_ASSERT_STR(p, want[i]);
	ae_buf_dispose(&out);
	ae_yaml_free(tree);
}

void test_evidence_bundle__catalog_and_recipe_name_the_checks(void)
{
	static const char *const cat =
		"apiVersion: aicr.nvidia.com/v1\nkind: ValidatorCatalog\n"
		"validators:\n  - {name: gpu-ready, phase: deployment}\n"
		"  - {name: nccl, phase: performance}\n  - {name: x}\n";
	ae_yaml_node *recipe = NULL;
	ev__checks c;
	ae_err err = {0};

	memset(&c, 0, sizeof(c));
	T_ASSERT_INT(ev__checks_add_catalog(&c, S(cat), &err), 0);
	T_ASSERT_INT(ae_yaml_parse(&recipe,
				   S("validation: {conformance: {checks: "
				     "[dra]}}\n"),
				   &err),
		     0);
	T_ASSERT_INT(ev__checks_add_recipe(&c, recipe, &err), 0);
	T_ASSERT(!ev__checks_refuse(&c, 0, "gpu-ready"));
	T_ASSERT(ev__checks_refuse(&c, 0, "nccl"));
	T_ASSERT(!ev__checks_refuse(&c, 1, "nccl"));
	T_ASSERT(!ev__checks_refuse(&c, 2, "dra"));
	T_ASSERT(ev__checks_refuse(&c, 2, "acme-probe"));
	ev__checks_dispose(&c);
	memset(&c, 0, sizeof(c));
	T_ASSERT(!ev__checks_refuse(&c, 0, "anything")); /* none named */
	ae_yaml_free(recipe);
}

/* ctrfscrub_fuzz: a test without a name reached the name check before the
 * count refused it (strlen(NULL)). */
void test_evidence_bundle__a_test_without_a_name_is_refused(void)
{
	ae_buf out;
	ae_err err = {0};

	T_ASSERT_INT(ev_ctrf_redact(&out,
				    S("{\"results\":{\"tests\":[{\"status\":"
				      "\"passed\"}]}}"),
				    EV_REDACT_MINIMAL, &err),
		     AE_EINVAL);
	T_ASSERT_MSG(err, "has no name or status");
	T_ASSERT(out.data == NULL);
}

/* ---- profiles (reference ADR-015; goldens are SHA-256 of the
 * "component:path\n" lines, computed apart with sha256sum) ---- */

#define ID_EMPTY "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define ID_GPU_OP "993bfe01fc07ffa0a65353ace107d46218cb5d476fe40a845c5d5061ca453142"
#define ID_GPU_OP_DRA                                                          \
	"0a274af1ad1f427084153b470e31dc618a49feac8e79e67b56740145b6ce1b4e"
#define ID_OCP "ca13f4d55434186500ab4dc2e5ef8ba2667f039d23c591a68e61e7c7da1233b4"
#define ID_DRA "9f388f7321cdf1b1996e8245634f1cde94239ae863e3f23f38ea9e4e6c44e280"

/* A recipe with the given selectedProfile body and componentRefs. */
static char *profiled(const char *profile, const char *refs)
{
	static char buf[2048];

	snprintf(buf, sizeof(buf),
		 "criteria:\n  service: gke\n  accelerator: h100\n"
		 "  os: cos\n  intent: inference\n"
		 "metadata:\n  version: v1\n  selectedProfile:\n%s"
		 "componentRefs:\n%s",
		 profile, refs);
	return buf;
}

static const char *refs_gke = "  - name: gpu-operator\n"
			      "    overrides: {devicePlugin: {enabled: false}}\n"
			      "  - name: nvidia-dra-driver-gpu\n"
			      "  - name: cert-manager\n";

void test_evidence_bundle__a_profiled_recipe_names_its_selection(void)
{
	ev_recipe_id id;
	ae_err err = {0};

	T_ASSERT_INT(
		ev_recipe_identify(&id,
				   S(profiled("    name: gpuStack\n"
					      "    value: GCP-Managed\n"
					      "    advertiser: external\n"
					      "    ownedPaths: {}\n",
					      refs_gke)),
				   &err),
		0);
	T_ASSERT(id.profiled && id.has_criteria);
	/* the segment is lowercased, the selection kept as written */
	T_ASSERT_STR(id.name, "h100-gke-cos-inference-gpustack-gcp-managed");
	T_ASSERT_STR(id.selection, "gpuStack=GCP-Managed");
	T_ASSERT_STR(id.advertiser, "external");
	/* external advertiser: the enabled descriptor components count */
	T_ASSERT_STR(id.identity, ID_GPU_OP_DRA);
	/* an unprofiled recipe */
	T_ASSERT_INT(ev_recipe_identify(&id, S(recipe_a), &err), 0);
	T_ASSERT(!id.profiled);
	T_ASSERT_STR(id.name, "h100-eks-ubuntu-training");
}

void test_evidence_bundle__the_descriptor_identity_follows_the_closure(void)
{
	static const struct {
		const char *profile, *refs, *want;
	} cases[] = {
		/* owning no selector path: no closure, the empty set */
		{"    name: a\n    value: b\n    ownedPaths:\n"
		 "      gpu-operator: [enabled, driver.version]\n",
		 "  - name: gpu-operator\n", ID_EMPTY},
		/* owning devicePlugin.enabled triggers it */
		{"    name: a\n    value: b\n    ownedPaths:\n"
		 "      gpu-operator: [devicePlugin.enabled]\n",
		 "  - name: gpu-operator\n", ID_GPU_OP},
		/* an ancestor path intersects, a look-alike does not */
		{"    name: a\n    value: b\n    ownedPaths:\n"
		 "      nvidia-dra-driver-gpu: [resources]\n",
		 "  - name: gpu-operator\n", ID_GPU_OP},
		{"    name: a\n    value: b\n    ownedPaths:\n"
		 "      gpu-operator: [devicePluginX, devicePlugin.enabledX]\n",
		 "  - name: gpu-operator\n", ID_EMPTY},
		/* a disabled component contributes nothing; a quoted
		 * "false" is a string, so the component stays enabled */
		{"    name: a\n    value: b\n    advertiser: external\n",
		 "  - name: gpu-operator\n    overrides: {enabled: false}\n"
		 "  - name: nvidia-dra-driver-gpu\n"
		 "    overrides: {enabled: \"false\"}\n",
		 ID_DRA},
		/* install: false disables too; OCP entries are sorted in */
		{"    name: a\n    value: b\n    advertiser: external\n",
		 "  - name: nvidia-dra-driver-gpu-ocp\n"
		 "  - name: gpu-operator\n    overrides: {install: False}\n"
		 "  - name: gpu-operator-ocp\n",
		 ID_OCP},
	};
	ev_recipe_id id;
	ae_err err = {0};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *doc = profiled(cases[i].profile, cases[i].refs);
		T_ASSERT_INT(ev_recipe_identify(&id, S(doc), &err), 0);
		T_ASSERT_STR(id.identity, cases[i].want);
	}
}

void test_evidence_bundle__a_malformed_selected_profile_is_refused(void)
{
	static const char *const cases[][2] = {
		{"    name: gpu stack\n    value: x\n", "must match"},
		{"    name: a\n    value: \"\"\n", "must match"},
		{"    name: a=b\n    value: x\n", "must match"},
		{"    name: a\n    value: b\n    advertiser: internal\n",
		 "unknown advertiser \"internal\"; the only supported value "
		 "is \"external\""},
		{"    name: a\n    value: b\n    ownedPaths: [x]\n",
		 "ownedPaths is not a mapping"},
	};
	ev_recipe_id id;
	ae_err err = {0};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ae_err_clear(&err);
		T_ASSERT_INT(ev_recipe_identify(&id,
						S(profiled(cases[i][0],
							   refs_gke)),
						&err),
			     AE_EINVAL);
		T_ASSERT_MSG(err, cases[i][1]);
	}
	ae_err_clear(&err);
	T_ASSERT_INT(ev_recipe_identify(
			     &id, S("metadata: {selectedProfile: x}\n"), &err),
		     AE_EINVAL);
	T_ASSERT_MSG(err, "selectedProfile is not a mapping");
}

void test_evidence_bundle__a_profile_selection_parses_as_the_reference(void)
{
	char n[EV_PROFILE_PART_MAX + 1], v[EV_PROFILE_PART_MAX + 1];

	T_ASSERT(ev_profile_selection_parse(n, v, "gpuStack=operator-managed"));
	T_ASSERT_STR(n, "gpuStack");
	T_ASSERT_STR(v, "operator-managed");
	T_ASSERT(!ev_profile_selection_parse(n, v, "not-a-selection"));
	T_ASSERT(!ev_profile_selection_parse(n, v, "a=b=c"));
	T_ASSERT(!ev_profile_selection_parse(n, v, "=b"));
	T_ASSERT(!ev_profile_selection_parse(n, v, "a="));
	T_ASSERT(!ev_profile_selection_parse(n, v, " a=b"));
	T_ASSERT(!ev_profile_selection_parse(n, v, "a/b=c"));
}
