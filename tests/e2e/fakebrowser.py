#!/usr/bin/env python3
"""tests/e2e/fakebrowser.py -- the "browser" a signing command opens in the
login tests (installed as xdg-open on PATH by oidc_fake_browser).

Called with the login's start page: a file (0600, in a 0700 directory of
its own) that refreshes to the authorization URL. Chromium is handed the
page itself (file://) and follows its refresh; the modes that play the
redirect by hand read the authorization URL from it.
BROWSE_MODE says what the person does:
  consent, deny, capture   the real headless Chromium of tests/oidc/ logs in
                           (as BROWSE_LOGIN) and consents / cancels
  deliver                  Chromium logs in, its redirect is captured, the
                           code saved to BROWSE_CODE_FILE, and after
                           BROWSE_DELAY seconds the redirect is delivered
  replay                   delivers the code saved in BROWSE_CODE_FILE with
                           this login's state (a replayed code)
  wrongstate               delivers a redirect with another state, then
                           does a "deliver" (the right one after it)
  wrongonly                delivers a redirect with another state only
  otheriface               tries the redirect on 127.0.0.2 and [::1] only
  slowfirst, hugefirst, faviconfirst
                           before a "deliver", another client connects to the
                           listener and sends half a request and waits /
                           sends a 1 MiB request line / asks for a favicon
  twice                    "deliver", then the same redirect again
  none                     does nothing
What happened is written as JSON to BROWSE_OUT. Stdlib only.
"""
import json
import os
import socket
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from startpage import page_url, resolve  # noqa: E402


def browse(url, mode):
    body = json.dumps({"url": url, "mode": mode,
                       "login": os.environ.get("BROWSE_LOGIN", "alice")}).encode()
    req = urllib.request.Request(os.environ["OIDC_ISSUER"] + "/__browse", data=body, method="POST")
    return json.load(urllib.request.urlopen(req, timeout=90))


def get(url, timeout=10):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return {"status": r.status}
    except urllib.error.HTTPError as e:
        return {"status": e.code}
    except Exception as e:  # noqa: BLE001 -- any failure is the result
        return {"error": str(e)}


def raw(port, data, wait):
    """Sends `data` to the listener; keeps the socket when `wait`."""
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    try:
        s.sendall(data)
    except OSError as e:
        return {"error": str(e)}
    if wait:
        return s
    try:
        return {"answer": s.recv(64).decode("latin-1")}
    except OSError as e:
        return {"error": str(e)}
    finally:
        s.close()


def deliver(url, out):
    r = browse(url, "capture")
    out.update(r)
    got = urllib.parse.parse_qs(urllib.parse.urlparse(r.get("redirect") or "").query)
    with open(os.environ["BROWSE_CODE_FILE"], "w") as f:
        f.write(got.get("code", [""])[0])
    time.sleep(float(os.environ.get("BROWSE_DELAY", "0")))
    out["delivered"] = get(r["redirect"], timeout=30)
    return r["redirect"]


def main():
    mode = os.environ.get("BROWSE_MODE", "consent")
    url = resolve(sys.argv[1])
    q = urllib.parse.parse_qs(urllib.parse.urlparse(url).query)
    redirect = q.get("redirect_uri", [""])[0]
    state = q.get("state", [""])[0]
    iss = urllib.parse.quote(os.environ.get("OIDC_ISSUER", ""), safe="")
    out = {"mode": mode}
    if mode in ("consent", "deny", "capture"):
        out.update(browse(page_url(sys.argv[1]), mode))
    elif mode == "deliver":
        deliver(page_url(sys.argv[1]), out)
    elif mode in ("slowfirst", "hugefirst", "faviconfirst"):
        port = urllib.parse.urlparse(redirect).port
        path = urllib.parse.urlparse(redirect).path
        if mode == "slowfirst":
            first = raw(port, f"GET {path}?code=".encode(), True)
        elif mode == "hugefirst":
            first = raw(port, f"GET {path}?code=".encode() + b"a" * (1 << 20), False)
        else:
            first = raw(port, b"GET /favicon.ico HTTP/1.1\r\n\r\n", False)
        deliver(page_url(sys.argv[1]), out)
        if isinstance(first, socket.socket):
            try:
                first.settimeout(1)
                out["first"] = {"answer": first.recv(64).decode("latin-1")}
            except OSError as e:
                out["first"] = {"error": str(e)}
            first.close()
        else:
            out["first"] = first
    elif mode == "twice":
        again = deliver(page_url(sys.argv[1]), out)
        out["again"] = get(again)
    elif mode == "replay":
        code = open(os.environ["BROWSE_CODE_FILE"]).read().strip()
        out["delivered"] = get(f"{redirect}?code={code}&state={state}&iss={iss}")
    elif mode in ("wrongstate", "wrongonly"):
        out["wrong"] = get(f"{redirect}?code=abc&state=not-{state[:8]}&iss={iss}")
        if mode == "wrongstate":
            deliver(page_url(sys.argv[1]), out)
    elif mode == "otheriface":
        u = urllib.parse.urlparse(redirect)
        rest = f"{u.path}?code=abc&state={state}&iss={iss}"
        out["127.0.0.2"] = get(f"http://127.0.0.2:{u.port}{rest}")
        out["::1"] = get(f"http://[::1]:{u.port}{rest}")
    dest = os.environ.get("BROWSE_OUT")
    if dest:  # whole or not at all: the test polls for it
        with open(dest + ".tmp", "w") as f:
            json.dump(out, f)
        os.replace(dest + ".tmp", dest)


main()
