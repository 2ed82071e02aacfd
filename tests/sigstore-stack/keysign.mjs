#!/usr/bin/env node
// tests/sigstore-stack/keysign.mjs -- a Sigstore bundle signed outside
// aicr-evidence and logged in the project's stack (stack.mjs), for the
// policy tests of issue 16 (keys, hash algorithms, several SANs). Test
// tooling, never shipped.
//
//   node keysign.mjs --url BASE (--key PRIV.pem | --token JWT)
//        [--hash sha256|sha384|sha512] [--rekor 1|2] [--no-message-digest]
//        [--log-hash ALG] (--dsse STATEMENT.json | ARTIFACT) > bundle.json
//
// Signs ARTIFACT (a message signature: ECDSA over the bytes with --hash,
// messageDigest naming that hash) or STATEMENT (DSSE over the PAE, payload
// type in-toto), logs it in the stack's Rekor v1 (hashedrekord or dsse
// 0.0.1) or v2 (hashedrekord 0.0.2; the digest algorithm follows the key,
// as Rekor v2 does), and prints a v0.3 bundle. With --key the bundle has
// `publicKey` material -- the shape sigstore-js writes for a key; with
// --token an ephemeral P-256 key gets a certificate from the stack's Fulcio
// for the token (whatever SANs the stack puts in it) and the bundle carries
// that certificate. Unlike `aicr-evidence sign`, nothing here checks its
// own output: that is the point (the verifier under test must).
// --no-message-digest leaves messageDigest out (the verifier must then take
// the hash from the log entry); --log-hash records another algorithm in the
// hashedrekord than the one signed with (a lie the verifier must catch).
import crypto from 'node:crypto';
import fs from 'node:fs';

const o = { hash: 'sha256', rekor: 1, md: true };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--url') o.url = argv[++i];
  else if (a === '--key') o.key = argv[++i];
  else if (a === '--token') o.token = argv[++i];
  else if (a === '--hash') o.hash = argv[++i];
  else if (a === '--rekor') o.rekor = Number(argv[++i]);
  else if (a === '--dsse') o.dsse = argv[++i];
  else if (a === '--no-message-digest') o.md = false;
  else if (a === '--log-hash') o.logHash = argv[++i];
  else if (!a.startsWith('--') && !o.artifact) o.artifact = a;
  else {
    process.stderr.write(`keysign: bad argument ${a}\n`);
    process.exit(2);
  }
}
if (!o.url || !o.key === !o.token || !o.dsse === !o.artifact) {
  process.stderr.write('keysign: need --url, one of --key/--token and one of --dsse STATEMENT, ARTIFACT\n');
  process.exit(2);
}

const PROTO = { sha256: 'SHA2_256', sha384: 'SHA2_384', sha512: 'SHA2_512' };
const b64 = (b) => Buffer.from(b).toString('base64');
const priv = o.key
  ? crypto.createPrivateKey(fs.readFileSync(o.key))
  : crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const pub = crypto.createPublicKey(priv);
let pem = pub.export({ format: 'pem', type: 'spki' }); // the leaf's with --token
const spki = pub.export({ format: 'der', type: 'spki' });
const curve = pub.asymmetricKeyDetails.namedCurve;
const keyDetails = { prime256v1: 'PKIX_ECDSA_P256_SHA_256', secp384r1: 'PKIX_ECDSA_P384_SHA_384', secp521r1: 'PKIX_ECDSA_P521_SHA_512' }[curve];
const pae = (type, body) => Buffer.concat([
  Buffer.from(`DSSEv1 ${Buffer.byteLength(type)} ${type} ${body.length} `), body]);

// Rekor v2's verifier: the leaf certificate, or the key.
const verifierV2 = () => (o.token
  ? { x509Certificate: { rawBytes: b64(new crypto.X509Certificate(pem).raw) } }
  : { publicKey: { rawBytes: b64(spki) } });

async function post(path, body) {
  const r = await fetch(o.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const t = await r.text();
  if (r.status !== 201) throw new Error(`${path}: HTTP ${r.status}: ${t}`);
  return JSON.parse(t);
}

// A Rekor v1 answer {uuid: entry} as a bundle TransparencyLogEntry.
function v1Entry(ans) {
  const e = Object.values(ans)[0];
  const body = JSON.parse(Buffer.from(e.body, 'base64').toString('utf8'));
  const p = e.verification.inclusionProof;
  const hex64 = (h) => b64(Buffer.from(h, 'hex'));
  return {
    logIndex: String(e.logIndex),
    logId: { keyId: hex64(e.logID) },
    kindVersion: { kind: body.kind, version: body.apiVersion },
    integratedTime: String(e.integratedTime),
    inclusionPromise: { signedEntryTimestamp: e.verification.signedEntryTimestamp },
    inclusionProof: {
      logIndex: String(p.logIndex), rootHash: hex64(p.rootHash), treeSize: String(p.treeSize),
      hashes: p.hashes.map(hex64), checkpoint: { envelope: p.checkpoint },
    },
    canonicalizedBody: e.body,
  };
}

// A certificate for the ephemeral key from the stack's Fulcio (v2 API):
// sets `pem` to the leaf and returns the leaf DER.
async function certify() {
  const claims = JSON.parse(Buffer.from(o.token.split('.')[1], 'base64url').toString('utf8'));
  const pop = crypto.sign('sha256', Buffer.from(claims.email || claims.sub), priv);
  const r = await post('/api/v2/signingCert', {
    credentials: { oidcIdentityToken: o.token },
    publicKeyRequest: { publicKey: { algorithm: 'ECDSA', content: pem }, proofOfPossession: b64(pop) },
  });
  pem = r.signedCertificateEmbeddedSct.chain.certificates[0];
  return new crypto.X509Certificate(pem).raw;
}

async function main() {
  const bundle = {
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: o.token
      ? { certificate: { rawBytes: b64(await certify()) } }
      : { publicKey: { hint: b64(crypto.createHash('sha256').update(spki).digest()) } },
  };
  let entry;
  if (o.dsse) {
    const payload = fs.readFileSync(o.dsse);
    const type = 'application/vnd.in-toto+json';
    const sig = crypto.sign(o.hash, pae(type, payload), priv);
    const env = { payload: b64(payload), payloadType: type, signatures: [{ sig: b64(sig), keyid: '' }] };
    bundle.dsseEnvelope = env;
    if (o.rekor !== 1) throw new Error('--dsse is logged in Rekor v1 only');
    entry = v1Entry(await post('/api/v1/log/entries', {
      apiVersion: '0.0.1', kind: 'dsse',
      spec: { proposedContent: { envelope: JSON.stringify(env), verifiers: [b64(pem)] } },
    }));
  } else {
    const data = fs.readFileSync(o.artifact);
    const digest = crypto.createHash(o.hash).update(data).digest();
    const sig = crypto.sign(o.hash, data, priv);
    bundle.messageSignature = { signature: b64(sig) };
    if (o.md) bundle.messageSignature.messageDigest = { algorithm: PROTO[o.hash], digest: b64(digest) };
    const logHash = o.logHash || o.hash;
    const logged = crypto.createHash(logHash).update(data).digest();
    if (o.rekor === 1) {
      entry = v1Entry(await post('/api/v1/log/entries', {
        apiVersion: '0.0.1', kind: 'hashedrekord',
        spec: { data: { hash: { algorithm: logHash, value: logged.toString('hex') } },
          signature: { content: b64(sig), publicKey: { content: b64(pem) } } },
      }));
    } else {
      entry = await post('/api/v2/log/entries', {
        hashedRekordRequestV002: { digest: b64(logged),
          signature: { content: b64(sig), verifier: { ...verifierV2(), keyDetails } } },
      });
    }
  }
  bundle.verificationMaterial.tlogEntries = [entry];
  process.stdout.write(JSON.stringify(bundle) + '\n');
}

main().catch((e) => {
  process.stderr.write(`keysign: ${e.message}\n`);
  process.exit(1);
});
