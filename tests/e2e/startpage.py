"""tests/e2e/startpage.py -- what the login tests' stand-in browsers are
started on: the tool's start page, a file (0600, in a 0700 directory of its
own) that refreshes to the authorization URL (docs/signing.md "Browser
login"). Stdlib only; imported by fakebrowser.py and the browsers the
e2e scripts write (sys.path gets $E2E_HOME, set by lib.sh)."""
import html
import os
import re


def page_path(arg):
    """The file the launcher was given (a path, or a file:// URL)."""
    return arg[7:] if arg.startswith("file://") else arg


def resolve(arg):
    """The authorization URL the start page refreshes to; `arg` itself when
    it cannot be read (the login ended first: a short --oidc-timeout under
    load) or holds no refresh."""
    try:
        with open(page_path(arg)) as f:
            text = f.read()
    except OSError:
        return arg
    m = re.search(r'http-equiv="refresh" content="0; ?url=([^"]*)"', text, re.I)
    return html.unescape(m.group(1)) if m else arg


def page_url(arg):
    """The start page as a URL a real browser opens."""
    return arg if "://" in arg else "file://" + os.path.abspath(arg)
