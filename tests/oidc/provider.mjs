#!/usr/bin/env node
// tests/oidc/provider.mjs -- a real OpenID Connect provider on loopback for
// aicr-evidence's login tests (test tooling, never shipped), and a headless
// browser that logs in on it the way a person would.
//
//   node provider.mjs --out-dir DIR [--port N]
//
// The provider is the npm package oidc-provider (not a mock of ours): issuer
// http://127.0.0.1:PORT, client `sigstore` (public, native: any loopback
// port), client `sigstore-conf` (confidential: secret in DIR/client_secret,
// HTTP Basic), PKCE S256 required, the device flow (RFC 8628) enabled, its
// development login and consent pages; an account `X` logs in with any
// password and has the e-mail X@example.test, verified unless X starts with
// "unverified". ID tokens are RS256 with a key written to DIR/jwks.json.
//
// Test hooks (HTTP on the same port):
//   POST /__fault    {"endpoint":"token|discovery|device","fault":F,"count":N}
//                    the next N answers of that endpoint misbehave: token:
//                    nonce|aud|iss|expired (the ID token's claim changed and
//                    re-signed with the provider's key: only the client's
//                    checks can tell), huge (2 MiB of JSON), malformed,
//                    redirect (307 to /__sink, which would take anything
//                    sent and answer a token), slow_down|
//                    authorization_pending|expired_token|access_denied (a
//                    device-flow error answered instead of polling);
//                    discovery: huge, malformed, otherissuer, nos256, nodevice,
//                    redirect (302 to /__sink); device (the device
//                    authorization answer): huge, malformed, ctrl (a user
//                    code with terminal escapes), jsuri, plainuri (a
//                    verification URI of another scheme, or plain http)
//   POST /__config   {"codeTTL":S,"deviceTTL":S} lifetimes of new codes
//   POST /__browse   {"url":U,"mode":M,"login":L,"user_code":C} drives the
//                    headless Chromium (system /usr/bin/chromium, playwright-
//                    core) through login and consent at U: mode consent
//                    (default: the browser then follows the redirect itself),
//                    deny (Cancel at consent), capture (the redirect is not
//                    followed; its URL is returned), device, device-deny.
//                    Answers {"ok":true,"redirect":URL} or {"ok":false,...}.
//                    The browser reaches 127.0.0.1 only: every other request
//                    is aborted and every host name is unresolvable.
//   GET  /__log      what the token endpoint was asked (grant types), JSON
//   GET  /__sinklog  every request that reached /__sink (a redirect followed)
//
// Writes DIR/server.json {issuer, port, pid}; prints "READY <issuer>".
// Stops on SIGTERM/SIGINT, and by itself after OIDC_MAX_SECONDS (600).

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import Provider from 'oidc-provider';

function parseArgs(argv) {
  const o = { port: 0, outDir: '.' };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--port') o.port = Number(argv[++i]);
    else if (argv[i] === '--out-dir') o.outDir = argv[++i];
    else {
      process.stderr.write(`oidc: unknown argument ${argv[i]}\n`);
      process.exit(2);
    }
  }
  return o;
}

const b64url = (b) => Buffer.from(b).toString('base64url');
const faults = {};
const takeFault = (endpoint) => {
  const q = faults[endpoint];
  if (!q || q.length === 0) return null;
  const f = q[0];
  if (--f.count <= 0) q.shift();
  return f.fault;
};
const knobs = { codeTTL: 60, deviceTTL: 600 };
const tokenLog = [];
const sinkLog = [];

// ---- the browser ---------------------------------------------------------
let browserP = null;
async function browser() {
  if (!browserP) {
    const { chromium } = await import('playwright-core');
    browserP = chromium.launch({
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
        '--disable-background-networking', '--disable-component-update',
        '--disable-sync', '--no-first-run', '--disable-default-apps',
        '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost'],
    });
  }
  return browserP;
}

async function click(page, selector) {
  await Promise.all([page.waitForNavigation({ timeout: 10000 }).catch(() => {}), page.click(selector)]);
}

// One step of a person at the provider's pages; true when nothing is left
// to do (a success or error page, or a refusal given).
async function act(page, { deny, login, userCode }) {
  if (await page.$('form[id="op.deviceConfirmForm"]')) {
    await click(page, deny ? 'button[name=abort]' : 'button[autofocus]');
    return deny;
  } else if (await page.$('input[name=user_code]:not([type=hidden])')) {
    if (userCode) await page.fill('input[name=user_code]', userCode);
    await click(page, 'button[form="op.deviceInputForm"]');
  } else if (await page.$('input[name=login]')) {
    await page.fill('input[name=login]', login);
    await page.fill('input[name=password]', 'any');
    await click(page, 'button[type=submit]');
  } else if (await page.$('input[name=prompt][value=consent]')) {
    await click(page, deny ? 'text=[ Cancel ]' : 'button[type=submit]');
    return false;
  } else {
    return true;
  }
  return false;
}

// Logs in and answers consent/confirm pages until the redirect (or the
// device flow's success page). Returns the redirect URL when captured.
async function browse({ url, mode = 'consent', login = 'alice', user_code: userCode }) {
  const b = await browser();
  const ctx = await b.newContext();
  let redirect = null;
  const deny = mode === 'deny' || mode === 'device-deny';
  await ctx.route('**/*', async (route) => {
    const u = new URL(route.request().url());
    if (u.protocol === 'file:') return route.continue(); // the tool's start page
    if (u.hostname !== '127.0.0.1' && u.hostname !== 'localhost') return route.abort();
    if (mode !== 'capture') return route.continue();
    // capture: the redirect to the client must not reach it. Redirects
    // are followed inside the browser's network stack, where no route
    // sees them, so this one follows the provider's redirects itself
    // (with the context's cookies) and stops at the one to the callback.
    let resp = await route.fetch({ maxRedirects: 0 });
    for (let hop = 0; hop < 10 && resp.status() >= 300 && resp.status() < 400; hop++) {
      const loc = new URL(resp.headers().location, resp.url());
      if (loc.pathname.endsWith('/auth/callback')) {
        redirect = loc.toString();
        return route.fulfill({ status: 200, contentType: 'text/plain', body: 'captured' });
      }
      resp = await ctx.request.get(loc.toString(), { maxRedirects: 0 });
    }
    return route.fulfill({ response: resp });
  });
  const page = await ctx.newPage();
  try {
    await page.goto(url, { waitUntil: 'load' });
    // the tool's start page (a file) refreshes to the authorization URL
    if (url.startsWith('file:')) await page.waitForURL((u) => u.protocol !== 'file:', { timeout: 30000 });
    let done = false;
    for (let step = 0; step < 20 && !done; step++) {
      try {
        done = await act(page, { deny, login, userCode });
      } catch (e) {
        // a page that navigated away under us (an auto-submitting form):
        // look again once it has loaded
        if (!/context was destroyed|navigation/i.test(String(e && e.message))) throw e;
      }
      await page.waitForLoadState('load').catch(() => {});
      const here = new URL(page.url());
      if (here.pathname.endsWith('/auth/callback')) {
        redirect = redirect || page.url();
        break;
      }
    }
    return { ok: true, redirect, text: (await page.textContent('body') || '').slice(0, 300) };
  } catch (e) {
    return { ok: false, error: String(e && e.message), redirect };
  } finally {
    await ctx.close();
  }
}

// ---- ID token rewriting (faults) -----------------------------------------
function resign(jwt, change, key, kid) {
  const [, p] = jwt.split('.');
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
  change(claims);
  const head = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid }));
  const body = b64url(JSON.stringify(claims));
  const sig = crypto.sign('sha256', Buffer.from(`${head}.${body}`), key);
  return `${head}.${body}.${b64url(sig)}`;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  fs.mkdirSync(opts.outDir, { recursive: true });
  const server = http.createServer();
  await new Promise((res) => server.listen(opts.port, '127.0.0.1', res));
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;

  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = crypto.randomBytes(8).toString('hex');
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' };
  const pub = crypto.createPublicKey(privateKey).export({ format: 'jwk' });
  fs.writeFileSync(path.join(opts.outDir, 'jwks.json'), JSON.stringify({ keys: [{ ...pub, kid, use: 'sig', alg: 'RS256' }] }));
  const secret = crypto.randomBytes(24).toString('base64url');
  fs.writeFileSync(path.join(opts.outDir, 'client_secret'), `${secret}\n`);

  const grants = ['authorization_code', 'urn:ietf:params:oauth:grant-type:device_code'];
  const redirects = ['http://127.0.0.1/auth/callback', 'http://localhost/auth/callback',
    'http://127.0.0.1/other/path'];
  const provider = new Provider(issuer, {
    clients: [
      { client_id: 'sigstore', token_endpoint_auth_method: 'none', application_type: 'native',
        redirect_uris: redirects, grant_types: grants, response_types: ['code'] },
      { client_id: 'sigstore-conf', client_secret: secret, token_endpoint_auth_method: 'client_secret_basic',
        application_type: 'native', redirect_uris: redirects, grant_types: grants, response_types: ['code'] },
    ],
    jwks: { keys: [jwk] },
    cookies: { keys: [crypto.randomBytes(16).toString('hex')] },
    pkce: { required: () => true },
    scopes: ['openid', 'email'],
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: true }, deviceFlow: { enabled: true } },
    ttl: {
      AuthorizationCode: () => knobs.codeTTL,
      DeviceCode: () => knobs.deviceTTL,
      IdToken: 3600,
      AccessToken: 3600,
      Grant: 3600,
      Interaction: 600,
      Session: 3600,
    },
    async findAccount(ctx, id) {
      return {
        accountId: id,
        async claims() {
          return { sub: id, email: `${id}@example.test`, email_verified: !id.startsWith('unverified') };
        },
      };
    },
    async renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = `<!DOCTYPE html><html><body><p>error: ${String(out.error).replace(/[<>&]/g, '')}</p></body></html>`;
    },
  });

  provider.use(async (ctx, next) => {
    const p = ctx.path;
    if (p === '/__sink') {
      sinkLog.push({ method: ctx.method, query: ctx.querystring });
      ctx.status = 200;
      ctx.type = 'json';
      ctx.body = { id_token: 'a.b.c' };
      return;
    }
    if (p === '/.well-known/openid-configuration') {
      const f = takeFault('discovery');
      if (f === 'redirect') {
        ctx.status = 302;
        ctx.set('Location', `${issuer}/__sink`);
        return;
      }
      await next();
      if (f === 'huge') ctx.body = JSON.stringify({ issuer, pad: 'x'.repeat(2 << 20) });
      else if (f === 'malformed') ctx.body = '{"issuer": "' + issuer;
      else if (f === 'otherissuer') ctx.body = { ...ctx.body, issuer: 'http://127.0.0.1:1' };
      else if (f === 'nos256') ctx.body = { ...ctx.body, code_challenge_methods_supported: ['plain'] };
      else if (f === 'nodevice') { const b = { ...ctx.body }; delete b.device_authorization_endpoint; ctx.body = b; }
      return;
    }
    if (p === '/device/auth') {
      const f = takeFault('device');
      await next();
      if (f === 'huge') { ctx.type = 'json'; ctx.body = JSON.stringify({ pad: 'x'.repeat(2 << 20) }); }
      else if (f === 'malformed') { ctx.type = 'json'; ctx.body = '{"device_code": '; }
      else if (f === 'ctrl') ctx.body = { ...ctx.body, user_code: '\u001b]0;pwned\u0007AB-CD' };
      else if (f === 'jsuri') ctx.body = { ...ctx.body, verification_uri: 'javascript:alert(1)' };
      else if (f === 'plainuri') ctx.body = { ...ctx.body, verification_uri: 'http://device.example.test/' };
      return;
    }
    if (p === '/token') {
      const f = takeFault('token');
      tokenLog.push({ fault: f });
      if (f === 'redirect') { // the code and verifier must not follow it
        ctx.status = 307;
        ctx.set('Location', `${issuer}/__sink`);
        return;
      }
      if (['slow_down', 'authorization_pending', 'expired_token', 'access_denied'].includes(f)) {
        ctx.status = 400;
        ctx.type = 'json';
        ctx.body = { error: f, error_description: `injected ${f}` };
        return;
      }
      await next();
      if (f === 'huge') { ctx.type = 'json'; ctx.body = JSON.stringify({ id_token: 'x'.repeat(2 << 20) }); }
      else if (f === 'malformed') { ctx.type = 'json'; ctx.body = '{"id_token": ['; }
      else if (f && ctx.status === 200 && ctx.body && ctx.body.id_token) {
        const change = { nonce: (c) => { c.nonce = 'not-the-nonce-sent'; },
          aud: (c) => { c.aud = 'another-client'; },
          iss: (c) => { c.iss = 'http://127.0.0.1:1'; },
          expired: (c) => { c.iat = Math.floor(Date.now() / 1000) - 3900; c.exp = c.iat + 3600; } }[f];
        if (change) ctx.body = { ...ctx.body, id_token: resign(ctx.body.id_token, change, privateKey, kid) };
      }
      return;
    }
    await next();
  });

  const callback = provider.callback();
  const readBody = (req) => new Promise((res) => {
    const c = [];
    req.on('data', (d) => c.push(d));
    req.on('end', () => res(Buffer.concat(c).toString('utf8')));
  });
  const json = (res, status, obj) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(obj));
  };
  server.on('request', async (req, res) => {
    try {
      if (req.method === 'POST' && req.url === '/__fault') {
        const { endpoint, fault, count } = JSON.parse(await readBody(req));
        (faults[endpoint] = faults[endpoint] || []).push({ fault: String(fault), count: Number(count) || 1 });
        return json(res, 200, { ok: true });
      }
      if (req.method === 'POST' && req.url === '/__config') {
        Object.assign(knobs, JSON.parse(await readBody(req)));
        return json(res, 200, knobs);
      }
      if (req.method === 'POST' && req.url === '/__browse') {
        return json(res, 200, await browse(JSON.parse(await readBody(req))));
      }
      if (req.method === 'GET' && req.url === '/__log') return json(res, 200, tokenLog);
      if (req.method === 'GET' && req.url === '/__sinklog') return json(res, 200, sinkLog);
    } catch (e) {
      return json(res, 500, { ok: false, error: String(e && e.message) });
    }
    return callback(req, res);
  });

  fs.writeFileSync(path.join(opts.outDir, 'server.json'), JSON.stringify({ issuer, port, pid: process.pid }));
  process.stdout.write(`READY ${issuer}\n`);
  const stop = async () => {
    if (browserP) await (await browserP).close().catch(() => {});
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  setTimeout(stop, Number(process.env.OIDC_MAX_SECONDS || 600) * 1000).unref();
}

main().catch((e) => {
  process.stderr.write(`oidc provider failed: ${e && e.stack}\n`);
  process.exit(1);
});
