// tests/e2e/cdp.mjs -- drives headless Chromium over the DevTools protocol
// (--remote-debugging-pipe: commands on fd 3, answers on fd 4, each a JSON
// message ended by NUL), for the dashboard tests: viewports, print media,
// scripts off, clicks, computed styles, screenshots. No dependency but Node.
//
//   node cdp.mjs CHROMIUM STEP...
//
// Steps, run in order (a failing step exits 1 with the reason):
//   viewport W H [mobile]   device metrics (mobile: touch, scale 3)
//   noscript                 page scripts off (before `open`)
//   media print|screen       emulated CSS media
//   open URL                 navigate and wait for the load event
//   click SELECTOR           click the element's centre (works without JS)
//   style SELECTOR PROP      print "style SELECTOR PROP=value" (computed)
//   count SELECTOR           print "count SELECTOR=n"
//   visible SELECTOR         print "visible SELECTOR=n": how many are
//                            rendered (display not none, a box on screen)
//   eval EXPR                print the JSON of EXPR's value (needs scripts)
//   shot FILE [full|clip Y H] PNG of the viewport, the whole page, or the
//                            page's band from Y, H pixels high
//   pdf FILE                 print to PDF (print media)
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";

const [bin, ...steps] = process.argv.slice(2);
const chrome = spawn(bin, [
  "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
  "--disable-background-networking", "--disable-component-update",
  "--disable-sync", "--no-first-run", "--remote-debugging-pipe",
  `--user-data-dir=${process.env.CDP_PROFILE || "/tmp/cdp-profile-" + process.pid}`,
  "about:blank",
], { stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"] });
const out = chrome.stdio[3], inp = chrome.stdio[4];
let nextId = 1, buf = Buffer.alloc(0), session = null;
const waiting = new Map(), listeners = [];

inp.on("data", (d) => {
  buf = Buffer.concat([buf, d]);
  let z;
  while ((z = buf.indexOf(0)) >= 0) {
    const msg = JSON.parse(buf.subarray(0, z).toString());
    buf = buf.subarray(z + 1);
    if (msg.id && waiting.has(msg.id)) {
      const { ok, ko } = waiting.get(msg.id);
      waiting.delete(msg.id);
      msg.error ? ko(new Error(JSON.stringify(msg.error))) : ok(msg.result);
    } else if (msg.method) {
      listeners.slice().forEach((l) => l(msg));
    }
  }
});

function send(method, params = {}, sess = session) {
  const id = nextId++;
  const m = { id, method, params };
  if (sess) m.sessionId = sess;
  out.write(JSON.stringify(m) + "\0");
  return new Promise((ok, ko) => waiting.set(id, { ok, ko }));
}

function once(method) {
  return new Promise((ok) => {
    const l = (m) => {
      if (m.method === method && m.sessionId === session) {
        listeners.splice(listeners.indexOf(l), 1);
        ok(m.params);
      }
    };
    listeners.push(l);
  });
}

async function node(sel) {
  const { root } = await send("DOM.getDocument", { depth: 0 });
  const { nodeId } = await send("DOM.querySelector", { nodeId: root.nodeId, selector: sel });
  if (!nodeId) throw new Error(`no element matches ${sel}`);
  return nodeId;
}

async function run() {
  const { targetId } = await send("Target.createTarget", { url: "about:blank" }, null);
  ({ sessionId: session } = await send("Target.attachToTarget", { targetId, flatten: true }, null));
  await send("Page.enable");
  await send("DOM.enable");
  await send("CSS.enable");
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i];
    if (s === "viewport") {
      const w = +steps[++i], h = +steps[++i];
      const mobile = steps[i + 1] === "mobile" && !!++i;
      await send("Emulation.setDeviceMetricsOverride",
        { width: w, height: h, deviceScaleFactor: mobile ? 2 : 1, mobile });
      if (mobile) await send("Emulation.setTouchEmulationEnabled", { enabled: true });
    } else if (s === "noscript") {
      await send("Emulation.setScriptExecutionDisabled", { value: true });
    } else if (s === "media") {
      await send("Emulation.setEmulatedMedia", { media: steps[++i] });
    } else if (s === "open") {
      const loaded = once("Page.loadEventFired");
      await send("Page.navigate", { url: steps[++i] });
      await loaded;
    } else if (s === "click") {
      const sel = steps[++i];
      const id = await node(sel);
      await send("DOM.scrollIntoViewIfNeeded", { nodeId: id });
      const { model } = await send("DOM.getBoxModel", { nodeId: id });
      const q = model.border;
      const x = (q[0] + q[2]) / 2, y = (q[1] + q[5]) / 2;
      for (const type of ["mousePressed", "mouseReleased"])
        await send("Input.dispatchMouseEvent", { type, x, y, button: "left", clickCount: 1 });
    } else if (s === "style") {
      const sel = steps[++i], prop = steps[++i];
      const { computedStyle } = await send("CSS.getComputedStyleForNode", { nodeId: await node(sel) });
      const v = computedStyle.find((p) => p.name === prop);
      console.log(`style ${sel} ${prop}=${v ? v.value : ""}`);
    } else if (s === "count" || s === "visible") {
      const sel = steps[++i];
      const { root } = await send("DOM.getDocument", { depth: 0 });
      const { nodeIds } = await send("DOM.querySelectorAll", { nodeId: root.nodeId, selector: sel });
      let n = nodeIds.length;
      if (s === "visible") {
        n = 0;
        for (const id of nodeIds) {
          try { await send("DOM.getBoxModel", { nodeId: id }); n++; } catch { /* not rendered */ }
        }
      }
      console.log(`${s} ${sel}=${n}`);
    } else if (s === "eval") {
      const r = await send("Runtime.evaluate", { expression: steps[++i], returnByValue: true });
      console.log(JSON.stringify(r.result.value));
    } else if (s === "shot") {
      const file = steps[++i];
      const full = steps[i + 1] === "full" && !!++i;
      const band = !full && steps[i + 1] === "clip" && !!++i;
      const p = { format: "png" };
      if (band) {
        const m = await send("Page.getLayoutMetrics");
        const c = m.cssContentSize || m.contentSize;
        p.captureBeyondViewport = true;
        p.clip = { x: 0, y: +steps[++i], width: c.width, height: +steps[++i], scale: 1 };
      } else if (full) {
        const m = await send("Page.getLayoutMetrics");
        const c = m.cssContentSize || m.contentSize;
        p.captureBeyondViewport = true;
        p.clip = { x: 0, y: 0, width: c.width, height: c.height, scale: 1 };
      }
      const { data } = await send("Page.captureScreenshot", p);
      writeFileSync(file, Buffer.from(data, "base64"));
    } else if (s === "pdf") {
      const { data } = await send("Page.printToPDF", { printBackground: true, landscape: true });
      writeFileSync(steps[++i], Buffer.from(data, "base64"));
    } else {
      throw new Error(`unknown step ${s}`);
    }
  }
}

const timer = setTimeout(() => { console.error("cdp: timed out"); chrome.kill("SIGKILL"); process.exit(1); }, 60000);
run().then(() => { clearTimeout(timer); chrome.kill(); process.exit(0); },
  (e) => { clearTimeout(timer); console.error(`cdp: ${e.message}`); chrome.kill(); process.exit(1); });
