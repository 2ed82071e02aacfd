// evidence/data/podtemplate-fields.mjs -- prints the JSON field names
// reachable from a core/v1 PodTemplateSpec, one per line, sorted bytewise:
// the table path_pod_fields in evidence/redact_paths.c (reference §6.4,
// "every structural segment must be a real PodTemplateSpec JSON field").
//
//   npm install --prefix /tmp/k8s @kubernetes/client-node@2.0.1
//   node evidence/data/podtemplate-fields.mjs /tmp/k8s
//
// It walks the generated model classes' attribute maps (OpenAPI spec
// release-1.36 in client-node 2.0.1) from V1PodTemplateSpec through arrays
// and maps to every reachable type. Fields newer than those models are
// added by hand in the C table, with the API version that added them.
import { pathToFileURL } from 'node:url';

const root = process.argv[2] ?? '.';
const models = await import(pathToFileURL(
	`${root}/node_modules/@kubernetes/client-node/dist/gen/models/all.js`).href);
const seen = new Set();
const names = new Set();

function walk(type) {
	const inner = /^Array<(.*)>$/.exec(type) ??
		/^\{ \[key: string\]: (.*); \}$/.exec(type);
	if (inner) return walk(inner[1]);
	const cls = models[type];
	if (!cls || typeof cls.getAttributeTypeMap !== 'function' || seen.has(type))
		return;
	seen.add(type);
	for (const a of cls.getAttributeTypeMap()) {
		names.add(a.baseName);
		walk(a.type);
	}
}

walk('V1PodTemplateSpec');
console.log([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).join('\n'));
