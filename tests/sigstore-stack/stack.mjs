#!/usr/bin/env node
// tests/sigstore-stack/stack.mjs -- aicr-evidence's own throw-away Sigstore
// instance on loopback, for the signing tests (test tooling, never shipped).
//
//   node stack.mjs --out-dir DIR [--port N] [--gha-request-token T]
//                  [--oidc-issuer URL [--oidc-client-ids a,b]]
//
// Services (all on http://127.0.0.1:PORT, loopback only):
//   POST /api/v2/signingCert   Fulcio v2 (the @sigstore/mock CA handler). The
//                              OIDC token is decoded, never verified, so tests
//                              play any issuer/subject. The SAN is chosen the
//                              way Fulcio does: GitHub Actions tokens ->
//                              URI https://github.com/<job_workflow_ref>,
//                              tokens with an email claim -> rfc822Name email,
//                              else URI <sub>. Issuer in .1.1 and .1.8.
//                              A claim x_extra_sans adds SAN entries (a
//                              misbehaving CA, for tests).
//                              Tokens of the --oidc-issuer (a real OIDC
//                              provider, tests/oidc/) are verified as Fulcio
//                              does: RS256/ES256 signature by a key of the
//                              issuer's jwks_uri (found by discovery), aud
//                              one of --oidc-client-ids (default sigstore),
//                              not expired, email_verified for an e-mail;
//                              else 401. That issuer is also the oidcUrls
//                              entry of the signing configs written.
//   (CT)                       @sigstore/mock CT log: real embedded SCTs.
//   POST /api/v1/log/entries   Rekor v1: our own log, a real RFC 6962 tree that
//                              grows across entries, ECDSA P-256 SET and
//                              checkpoint ("<host> - <treeID>" origin).
//                              hashedrekord 0.0.1 and dsse 0.0.1 (stored in
//                              Rekor's canonical dsse shape).
//   POST /api/v2/log/entries   Rekor v2: Ed25519 C2SP checkpoint, hashedrekord
//                              / dsse 0.0.2 bodies, bundle-format answer.
//   POST /api/v1/timestamp     TSA (the @sigstore/mock handler), whole-second
//                              genTime like the production TSA.
//   GET  /gha/token?audience=A GitHub Actions ID-token endpoint: needs
//                              "Authorization: bearer <--gha-request-token>",
//                              answers {"value": <unsigned JWT>} with GitHub's
//                              claims and aud=A.
//   POST /__fault              fault injection for the next requests, JSON
//                              {"service":"fulcio|rekor1|rekor2|tsa|gha",
//                               "fault":"<status>[ra<seconds>]|badchain|noleaf|
//                               otherkey|detached|otheridentity|otherissuer|
//                               ctrlsan|badproof|badbody","count":N}
//   GET  /api/v1/log/entries/U Rekor v1 entry by UUID (a duplicate POST answers
//                              409 with this Location, as Rekor does)
//   GET  /healthz
//
// Writes into --out-dir: trusted_root.json, signing_config.json (Rekor v1 +
// TSA), signing_config_rekor2.json (Rekor v2 + TSA), signing_config_notsa.json
// (Rekor v1 only), server.json; prints "READY <baseURL>" once listening.
// Stops on SIGTERM/SIGINT.

import { createRequire } from 'node:module';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

const require = createRequire(import.meta.url);
// Deep imports: the package index pulls in nock, which we do not want.
const { initializeCA, initializeCTLog, fulcioHandler } = require('@sigstore/mock/dist/fulcio');
const { initializeTSA, tsaHandler } = require('@sigstore/mock/dist/timestamp');
const x509 = require('@peculiar/x509');

// The mock CA always writes a URI SAN. Fulcio writes rfc822Name for e-mail
// identities; swap the type for values that are plain addresses, so our
// tests see the certificate shape the real CA issues. A token claim
// `x_extra_sans` (["email:V" | "uri:V", ...]) appends more names: a CA
// misbehaving on purpose (Fulcio issues exactly one SAN), for the
// one-identity-per-certificate tests (issue 16 item 4).
let extraSans = [];
const SanBase = x509.SubjectAlternativeNameExtension;
x509.SubjectAlternativeNameExtension = class extends SanBase {
  constructor(names, critical) {
    if (Array.isArray(names)) {
      names = names.map((n) =>
        n && n.type === 'url' && /^[^:/@\s]+@[^:/@\s]+$/.test(n.value) ? { type: 'email', value: n.value } : n);
      names = names.concat(extraSans.map((s) => {
        const [t, ...v] = String(s).split(':');
        return { type: t === 'uri' ? 'url' : 'email', value: v.join(':') };
      }));
    }
    super(names, critical);
  }
};

function parseArgs(argv) {
  const o = { port: 0, host: '127.0.0.1', outDir: '.', ghaToken: '', oidcIssuer: '', oidcClientIds: ['sigstore'] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--port') o.port = Number(argv[++i]);
    else if (a === '--out-dir') o.outDir = argv[++i];
    else if (a === '--gha-request-token') o.ghaToken = argv[++i];
    else if (a === '--oidc-issuer') o.oidcIssuer = argv[++i];
    else if (a === '--oidc-client-ids') o.oidcClientIds = argv[++i].split(',');
    else {
      process.stderr.write(`stack: unknown argument ${a}\n`);
      process.exit(2);
    }
  }
  return o;
}

const ec = () => crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
const b64 = (buf) => Buffer.from(buf).toString('base64');
const b64url = (buf) => Buffer.from(buf).toString('base64url');
const sha256 = (...parts) => {
  const h = crypto.createHash('sha256');
  parts.forEach((p) => h.update(p));
  return h.digest();
};

// RFC 8785 (JCS) for the JSON shapes used here.
function jcs(v) {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(jcs).join(',')}]`;
  return `{${Object.keys(v)
    .filter((k) => v[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${jcs(v[k])}`)
    .join(',')}}`;
}

// ---- RFC 6962 Merkle tree (RFC 9162 §2.1) --------------------------------
const leafHash = (data) => sha256(Buffer.from([0]), data);
const nodeHash = (l, r) => sha256(Buffer.from([1]), l, r);
const split = (n) => { let k = 1; while (k * 2 < n) k *= 2; return k; };
function mth(L) {
  if (L.length === 0) return sha256(Buffer.alloc(0));
  if (L.length === 1) return L[0];
  const k = split(L.length);
  return nodeHash(mth(L.slice(0, k)), mth(L.slice(k)));
}
function auditPath(m, L) {
  if (L.length <= 1) return [];
  const k = split(L.length);
  return m < k
    ? [...auditPath(m, L.slice(0, k)), mth(L.slice(k))]
    : [...auditPath(m - k, L.slice(k)), mth(L.slice(0, k))];
}

// A log: v1 = ECDSA P-256 key, key ID SHA-256(SPKI), origin "<host> - <tree>";
// v2 = Ed25519, C2SP key ID SHA-256(name || 0x0A || 0x01 || key), origin = host.
class Log {
  constructor(kind, host, indexOffset) {
    this.kind = kind;
    this.host = host;
    this.indexOffset = indexOffset;
    this.treeID = crypto.randomInt(2 ** 47);
    this.leaves = [];
    const kp = kind === 'v1' ? ec() : crypto.generateKeyPairSync('ed25519');
    this.privateKey = kp.privateKey;
    this.spki = kp.publicKey.export({ format: 'der', type: 'spki' });
    this.logID = kind === 'v1'
      ? sha256(this.spki)
      : sha256(Buffer.from(host, 'utf8'), Buffer.from([0x0a, 0x01]), this.spki.subarray(-32));
  }
  get origin() { return this.kind === 'v1' ? `${this.host} - ${this.treeID}` : this.host; }
  sign(data) { return crypto.sign(this.kind === 'v1' ? 'sha256' : null, data, this.privateKey); }
  append(body) {
    this.leaves.push(leafHash(body));
    return this.proofFor(this.leaves.length - 1);
  }
  // The inclusion proof of leaf idx in the tree as it is now.
  proofFor(idx) {
    const size = this.leaves.length;
    const root = mth(this.leaves);
    const hashes = auditPath(idx, this.leaves);
    const now = Math.floor(Date.now() / 1000);
    const lines = [this.origin, String(size), b64(root)];
    if (this.kind === 'v1') lines.push(`Timestamp: ${BigInt(now) * 1000000000n}`);
    const note = lines.join('\n') + '\n';
    const sig = b64(Buffer.concat([this.logID.subarray(0, 4), this.sign(Buffer.from(note))]));
    return { idx, size, root, hashes, checkpoint: `${note}\n\u2014 ${this.host} ${sig}\n`, integratedTime: now };
  }
}

// ---- fault injection -----------------------------------------------------
const faults = {}; // service -> [{fault, count}]
function takeFault(service) {
  const q = faults[service];
  if (!q || q.length === 0) return null;
  const f = q[0];
  if (--f.count <= 0) q.shift();
  return f.fault;
}
// "503" answers 503; "503ra2" also sends "Retry-After: 2".
const statusFault = (f) => (f && /^[0-9]{3}(ra[0-9]+)?$/.test(f) ? Number(f.slice(0, 3)) : 0);
const faultReply = (f) => ({
  statusCode: statusFault(f),
  response: `injected ${f}\n`,
  headers: f.includes('ra') ? { 'Retry-After': f.split('ra')[1] } : {},
});
// A proof that does not reproduce the root: flip a bit of the first hash, or
// of the root when the tree has a single leaf.
function corruptProof(p) {
  if (p.hashes.length > 0) {
    const h = Buffer.from(p.hashes[0]);
    h[0] ^= 1;
    return { ...p, hashes: [h, ...p.hashes.slice(1)] };
  }
  const r = Buffer.from(p.root);
  r[0] ^= 1;
  return { ...p, root: r };
}

// ---- Rekor ---------------------------------------------------------------
// Rekor stores "dsse" 0.0.1 proposals in its canonical shape (envelopeHash,
// payloadHash, signatures[{signature, verifier}]).
function canonicalV1(e) {
  if (e.kind !== 'dsse') return e;
  const pc = e.spec && e.spec.proposedContent;
  if (!pc || typeof pc.envelope !== 'string') throw new Error('dsse needs spec.proposedContent.envelope');
  const env = JSON.parse(pc.envelope);
  const verifiers = pc.verifiers || [];
  const signatures = (env.signatures || [])
    .map((s, i) => ({ signature: s.sig, verifier: verifiers[i] ?? verifiers[0] }))
    .sort((a, b) => (a.signature < b.signature ? -1 : a.signature > b.signature ? 1 : 0));
  return {
    apiVersion: e.apiVersion,
    kind: 'dsse',
    spec: {
      envelopeHash: { algorithm: 'sha256', value: sha256(Buffer.from(pc.envelope, 'utf8')).toString('hex') },
      payloadHash: { algorithm: 'sha256', value: sha256(Buffer.from(env.payload || '', 'base64')).toString('hex') },
      signatures,
    },
  };
}

// A Rekor v1 entry as the API returns it, with a proof in today's tree.
function v1Entry(log, stored, p) {
  const logIndex = log.indexOffset + stored.idx;
  const logID = log.logID.toString('hex');
  const set = log.sign(Buffer.from(jcs({ body: b64(stored.body), integratedTime: stored.integratedTime, logID, logIndex }), 'utf8'));
  return {
    body: b64(stored.body),
    integratedTime: stored.integratedTime,
    logID,
    logIndex,
    verification: {
      inclusionProof: {
        logIndex: stored.idx,
        treeSize: p.size,
        rootHash: p.root.toString('hex'),
        hashes: p.hashes.map((h) => h.toString('hex')),
        checkpoint: p.checkpoint,
      },
      signedEntryTimestamp: b64(set),
    },
  };
}

function rekorV1(log, store) {
  return async (reqBody) => {
    const f = takeFault('rekor1');
    if (statusFault(f)) return faultReply(f);
    const e = JSON.parse(reqBody);
    if (!e || !['hashedrekord', 'dsse'].includes(e.kind) || e.apiVersion !== '0.0.1' || !e.spec) {
      return { statusCode: 400, response: 'want hashedrekord or dsse 0.0.1\n' };
    }
    let canon = canonicalV1(e);
    if (f === 'badbody') {
      // Log a different artifact's entry: the digest no longer matches ours.
      const zero = '0'.repeat(64);
      canon = canon.kind === 'dsse'
        ? { ...canon, spec: { ...canon.spec, payloadHash: { algorithm: 'sha256', value: zero } } }
        : { ...canon, spec: { ...canon.spec, data: { hash: { algorithm: 'sha256', value: zero } } } };
    }
    const body = Buffer.from(jcs(canon), 'utf8');
    const uuid = leafHash(body).toString('hex');
    // Rekor's answer to a duplicate: 409 and the entry's place.
    if (store.has(uuid)) {
      return { statusCode: 409, headers: { Location: `/api/v1/log/entries/${uuid}` },
        response: `{"code":409,"message":"an equivalent entry already exists in the transparency log with UUID ${uuid}"}` };
    }
    let p = log.append(body);
    store.set(uuid, { idx: p.idx, body, integratedTime: p.integratedTime });
    if (f === 'badproof') p = corruptProof(p);
    const entry = v1Entry(log, store.get(uuid), p);
    return { statusCode: 201, contentType: 'application/json', response: JSON.stringify({ [uuid]: entry }) };
  };
}

// GET /api/v1/log/entries/<uuid>: the entry with a fresh proof.
function rekorV1Get(log, store, uuid) {
  const stored = store.get(uuid);
  if (!stored) return [404, 'application/json', '{"code":404,"message":"not found"}'];
  return [200, 'application/json', JSON.stringify({ [uuid]: v1Entry(log, stored, log.proofFor(stored.idx)) })];
}

function rekorV2(log) {
  return async (reqBody) => {
    const f = takeFault('rekor2');
    if (statusFault(f)) return faultReply(f);
    const req = JSON.parse(reqBody);
    let kind;
    let spec;
    if (req.hashedRekordRequestV002) {
      const hr = req.hashedRekordRequestV002;
      kind = 'hashedrekord';
      // The digest algorithm follows the key (PKIX_ECDSA_P384_SHA_384 ->
      // SHA2_384), as Rekor v2 derives it.
      const kd = (hr.signature && hr.signature.verifier && hr.signature.verifier.keyDetails) || '';
      const alg = /SHA_384$/.test(kd) ? 'SHA2_384' : /SHA_512$/.test(kd) ? 'SHA2_512' : 'SHA2_256';
      spec = { hashedRekordV002: { data: { algorithm: alg, digest: hr.digest }, signature: hr.signature } };
    } else if (req.dsseRequestV002) {
      const ds = req.dsseRequestV002;
      const env = ds.envelope;
      const verifiers = ds.verifiers || [];
      kind = 'dsse';
      spec = {
        dsseV002: {
          payloadHash: { algorithm: 'SHA2_256', digest: b64(sha256(Buffer.from(env.payload, 'base64'))) },
          signatures: (env.signatures || []).map((s, i) => ({ content: s.sig, verifier: verifiers[i] ?? verifiers[0] })),
        },
      };
    } else {
      return { statusCode: 400, response: 'need hashedRekordRequestV002 or dsseRequestV002\n' };
    }
    const body = Buffer.from(jcs({ apiVersion: '0.0.2', kind, spec }), 'utf8');
    let p = log.append(body);
    if (f === 'badproof') p = corruptProof(p);
    const entry = {
      logIndex: String(p.idx),
      logId: { keyId: b64(log.logID) },
      kindVersion: { kind, version: '0.0.2' },
      inclusionProof: {
        logIndex: String(p.idx),
        rootHash: b64(p.root),
        treeSize: String(p.size),
        hashes: p.hashes.map(b64),
        checkpoint: { envelope: p.checkpoint },
      },
      canonicalizedBody: b64(body),
    };
    if (p.idx === 0) delete entry.logIndex; // proto3 JSON omits zero values
    return { statusCode: 201, contentType: 'application/json', response: JSON.stringify(entry) };
  };
}

// ---- Fulcio --------------------------------------------------------------
// The SAN Fulcio would choose for a token (fulcio/pkg/identity): GitHub
// Actions -> the workflow ref URI, e-mail issuers -> the address, else sub.
function identityOf(claims) {
  if (claims.iss === 'https://token.actions.githubusercontent.com' && claims.job_workflow_ref) {
    return `https://github.com/${claims.job_workflow_ref}`;
  }
  return claims.email || claims.sub;
}

// Verifies a token of the configured OIDC issuer the way Fulcio does
// (fulcio/pkg/server: go-oidc's IDTokenVerifier): the key from the issuer's
// own discovery document and JWKS, the client id, the expiry, and for an
// e-mail identity email_verified. Returns an error text, or null.
const jwksCache = new Map();
async function verifyIssuerToken(opts, jwt, claims) {
  if (!jwksCache.has(opts.oidcIssuer)) {
    const disc = await (await fetch(`${opts.oidcIssuer}/.well-known/openid-configuration`)).json();
    if (disc.issuer !== opts.oidcIssuer) return 'discovery names another issuer';
    jwksCache.set(opts.oidcIssuer, (await (await fetch(disc.jwks_uri)).json()).keys);
  }
  const header = JSON.parse(Buffer.from(jwt[0], 'base64url').toString('utf8'));
  const jwk = jwksCache.get(opts.oidcIssuer).find((k) => k.kid === header.kid);
  if (!jwk || !['RS256', 'ES256'].includes(header.alg)) return 'no key for the token';
  const ok = crypto.verify('sha256', Buffer.from(`${jwt[0]}.${jwt[1]}`),
    { key: crypto.createPublicKey({ key: jwk, format: 'jwk' }), dsaEncoding: 'ieee-p1363' },
    Buffer.from(jwt[2] || '', 'base64url'));
  if (!ok) return 'bad token signature';
  const aud = [].concat(claims.aud);
  if (!aud.some((a) => opts.oidcClientIds.includes(a))) return 'token audience is not a client id of this issuer';
  if (!(claims.exp > Date.now() / 1000)) return 'token expired';
  if (claims.email && claims.email_verified !== true) return 'email not verified by identity provider';
  return null;
}

function fulcio(ca, opts) {
  const inner = fulcioHandler(ca, { strict: true, subjectClaim: '__identity' }).fn;
  return async (reqBody) => {
    const f = takeFault('fulcio');
    if (statusFault(f)) return faultReply(f);
    const req = JSON.parse(reqBody);
    const jwt = req.credentials.oidcIdentityToken.split('.');
    const claims = JSON.parse(Buffer.from(jwt[1], 'base64url').toString('utf8'));
    if (opts.oidcIssuer && claims.iss === opts.oidcIssuer) {
      const why = await verifyIssuerToken(opts, jwt, claims);
      if (why) return { statusCode: 401, response: JSON.stringify({ code: 401, message: why }) };
    }
    if (typeof claims.exp === 'number' && claims.exp < Date.now() / 1000) {
      return { statusCode: 401, response: '{"code":401,"message":"token expired"}' };
    }
    claims.__identity = identityOf(claims);
    // A CA in the trusted root that certifies our key for someone else.
    if (f === 'otheridentity') claims.__identity = 'mallory@example.test';
    else if (f === 'otherissuer') claims.iss = 'https://evil.example.test';
    else if (f === 'ctrlsan') claims.__identity = `${claims.__identity}\n::error::forged line`;
    req.credentials.oidcIdentityToken = [jwt[0], b64url(JSON.stringify(claims)), jwt[2] || ''].join('.');
    extraSans = Array.isArray(claims.x_extra_sans) ? claims.x_extra_sans : [];
    let r;
    try {
      r = await inner(JSON.stringify(req));
    } finally {
      extraSans = [];
    }
    if (r.statusCode !== 201 || !f) return r;
    const out = JSON.parse(r.response);
    const certs = out.signedCertificateEmbeddedSct.chain.certificates;
    if (f === 'badchain') certs[0] = '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n';
    else if (f === 'noleaf') out.signedCertificateEmbeddedSct.chain.certificates = [];
    else if (f === 'otherkey') certs.reverse();
    else if (f === 'detached') {
      return { statusCode: 201, contentType: 'application/json',
        response: JSON.stringify({ signedCertificateDetachedSct: { chain: { certificates: certs }, signedCertificateTimestamp: 'AA==' } }) };
    }
    return { ...r, response: JSON.stringify(out) };
  };
}

// ---- GitHub Actions token endpoint ---------------------------------------
function ghaToken(opts, req, url) {
  const f = takeFault('gha');
  if (statusFault(f)) return [statusFault(f), 'text/plain', `injected ${f}\n`];
  if (!opts.ghaToken || req.headers.authorization !== `bearer ${opts.ghaToken}`) {
    return [401, 'text/plain', 'bad request token\n'];
  }
  const now = Math.floor(Date.now() / 1000);
  const repo = 'aicr-test/evidence';
  const claims = {
    iss: 'https://token.actions.githubusercontent.com',
    sub: `repo:${repo}:ref:refs/heads/main`,
    aud: url.searchParams.get('audience') || 'https://github.com/aicr-test',
    repository: repo,
    repository_owner: 'aicr-test',
    ref: 'refs/heads/main',
    sha: '0123456789abcdef0123456789abcdef01234567',
    workflow_ref: `${repo}/.github/workflows/evidence.yml@refs/heads/main`,
    job_workflow_ref: `${repo}/.github/workflows/evidence.yml@refs/heads/main`,
    event_name: 'push',
    iat: now,
    nbf: now,
    exp: now + 300,
  };
  const jwt = `${b64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${b64url(JSON.stringify(claims))}.`;
  return [200, 'application/json', JSON.stringify({ count: 1, value: jwt })];
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const server = http.createServer();
  await new Promise((res) => server.listen(opts.port, opts.host, res));
  const { port } = server.address();
  const host = `${opts.host}:${port}`;
  const base = `http://${host}`;
  // Windows start a minute back: certificates carry notBefore = now.
  const start = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000).toISOString();

  const ctlog = await initializeCTLog(ec());
  const ca = await initializeCA(ec(), ctlog);
  const tsa = await initializeTSA(ec());
  tsa.getCurrentTime = () => new Date(Math.floor(Date.now() / 1000) * 1000);
  const v1 = new Log('v1', host, 1000); // global index != tree index on purpose
  const v2 = new Log('v2', host, 0);
  const v1Store = new Map(); // uuid -> { idx, body, integratedTime }
  const tsaInner = tsaHandler(tsa, { strict: true }).fn;

  const routes = {
    'POST /api/v2/signingCert': fulcio(ca, opts),
    'POST /api/v1/log/entries': rekorV1(v1, v1Store),
    'POST /api/v2/log/entries': rekorV2(v2),
    'POST /api/v1/timestamp': async (body) => {
      const f = takeFault('tsa');
      if (statusFault(f)) return faultReply(f);
      return tsaInner(body);
    },
    'POST /__fault': async (body) => {
      const { service, fault, count } = JSON.parse(body);
      (faults[service] = faults[service] || []).push({ fault: String(fault), count: Number(count) || 1 });
      return { statusCode: 200, response: 'ok\n' };
    },
  };

  const tlog = (spki, keyDetails, logId) => ({
    baseUrl: base,
    hashAlgorithm: 'SHA2_256',
    publicKey: { rawBytes: b64(spki), keyDetails, validFor: { start } },
    logId: { keyId: b64(logId) },
  });
  const trustedRoot = {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [tlog(v1.spki, 'PKIX_ECDSA_P256_SHA_256', v1.logID), tlog(v2.spki, 'PKIX_ED25519', v2.logID)],
    certificateAuthorities: [{
      subject: { organization: 'sigstore.mock', commonName: 'sigstore' },
      uri: base,
      certChain: { certificates: [{ rawBytes: b64(ca.rootCertificate) }] },
      validFor: { start },
    }],
    ctlogs: [{
      baseUrl: `${base}/ct`,
      hashAlgorithm: 'SHA2_256',
      publicKey: { rawBytes: b64(ctlog.publicKey), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start } },
      logId: { keyId: b64(ctlog.logID) },
    }],
    timestampAuthorities: [{
      subject: { organization: 'sigstore.mock', commonName: 'tsa' },
      uri: `${base}/api/v1/timestamp`,
      certChain: { certificates: [{ rawBytes: b64(tsa.intCertificate) }, { rawBytes: b64(tsa.rootCertificate) }] },
      validFor: { start },
    }],
  };
  const svc = (url, majorApiVersion) => ({ url, majorApiVersion, validFor: { start }, operator: 'aicr.test' });
  const signingConfig = (rekorMajor, withTsa) => ({
    mediaType: 'application/vnd.dev.sigstore.signingconfig.v0.2+json',
    caUrls: [svc(base, 1)],
    oidcUrls: opts.oidcIssuer ? [svc(opts.oidcIssuer, 1)] : [],
    rekorTlogUrls: [svc(base, rekorMajor)],
    tsaUrls: withTsa ? [svc(`${base}/api/v1/timestamp`, 1)] : [],
    rekorTlogConfig: { selector: 'ANY' },
    tsaConfig: { selector: 'ANY' },
  });

  server.on('request', (req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const url = new URL(req.url, base);
      const key = `${req.method} ${url.pathname}`;
      let status = 404;
      let type = 'text/plain';
      let out = `no route for ${key}\n`;
      let extra = {};
      try {
        if (routes[key]) {
          const r = await routes[key](Buffer.concat(chunks).toString('utf8'));
          status = r.statusCode;
          type = r.contentType || 'text/plain';
          out = r.response;
          extra = r.headers || {};
        } else if (req.method === 'GET' && url.pathname.startsWith('/api/v1/log/entries/')) {
          [status, type, out] = rekorV1Get(v1, v1Store, url.pathname.slice('/api/v1/log/entries/'.length));
        } else if (key === 'GET /gha/token') {
          [status, type, out] = ghaToken(opts, req, url);
        } else if (key === 'GET /healthz') {
          [status, out] = [200, 'ok\n'];
        }
      } catch (e) {
        status = 400;
        out = `bad request: ${e && e.message}\n`;
      }
      res.writeHead(status, { ...extra, 'Content-Type': type });
      res.end(out);
      if (process.env.STACK_LOG) process.stderr.write(`${key} -> ${status}\n`);
    });
  });

  fs.mkdirSync(opts.outDir, { recursive: true });
  const write = (name, obj) => {
    const p = path.resolve(opts.outDir, name);
    fs.writeFileSync(p, JSON.stringify(obj, null, 2) + '\n');
    return p;
  };
  write('trusted_root.json', trustedRoot);
  write('signing_config.json', signingConfig(1, true));
  write('signing_config_rekor2.json', signingConfig(2, true));
  write('signing_config_notsa.json', signingConfig(1, false));
  write('server.json', { pid: process.pid, baseUrl: base, port });
  process.stdout.write(`READY ${base}\n`);

  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // Never outlive the test that started us.
  setTimeout(stop, Number(process.env.STACK_MAX_SECONDS || 600) * 1000).unref();
}

main().catch((e) => {
  process.stderr.write(`stack failed: ${e && e.stack}\n`);
  process.exit(1);
});
