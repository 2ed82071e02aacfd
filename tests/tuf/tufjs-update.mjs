// tests/tuf/tufjs-update.mjs -- the peer: tuf-js (the TUF client inside
// sigstore-js) doing the update `aicr-evidence trust update` does, for the
// interop test and the bench. Test tooling, never shipped.
//
//   node tufjs-update.mjs URL ROOT.json DIR TARGET...
//
// Starts from ROOT.json (copied to DIR/metadata/root.json when DIR has no
// state yet), refreshes against URL (metadata at URL/, targets at
// URL/targets/) and downloads each TARGET into DIR/targets/. Prints one
// JSON line: {"ok":true,"root":N,"timestamp":N,"snapshot":N,"targets":N,
// "files":{TARGET:"sha256:..."}} or {"ok":false,"error":"..."}; exits 0 or 1.
// Run it under faketime to fix the client's "now".
import { Updater } from 'tuf-js';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const [url, root, dir, ...targets] = process.argv.slice(2);
const meta = path.join(dir, 'metadata');
const out = path.join(dir, 'targets');
fs.mkdirSync(meta, { recursive: true });
fs.mkdirSync(out, { recursive: true });
if (!fs.existsSync(path.join(meta, 'root.json')))
  fs.copyFileSync(root, path.join(meta, 'root.json'));

const version = (name) =>
  JSON.parse(fs.readFileSync(path.join(meta, `${name}.json`))).signed.version;

try {
  const u = new Updater({
    metadataDir: meta,
    metadataBaseUrl: url,
    targetDir: out,
    targetBaseUrl: `${url}/targets`,
  });
  await u.refresh();
  const files = {};
  for (const t of targets) {
    const info = await u.getTargetInfo(t);
    if (!info) throw new Error(`no target ${t}`);
    const p = await u.downloadTarget(info, path.join(out, t));
    files[t] = 'sha256:' + createHash('sha256').update(fs.readFileSync(p)).digest('hex');
  }
  console.log(JSON.stringify({
    ok: true, root: version('root'), timestamp: version('timestamp'),
    snapshot: version('snapshot'), targets: version('targets'), files,
  }));
} catch (e) {
  console.log(JSON.stringify({ ok: false, error: String(e && e.message || e) }));
  process.exit(1);
}
