#!/usr/bin/env python3
"""tests/e2e/ptyrun.py -- run a command with stderr on a real pseudo-terminal.

usage: ptyrun.py ERRFILE OUTFILE [--term-on TEXT] -- CMD...

stdin is /dev/null, stdout goes to OUTFILE, stderr to the slave side of a
new pty (raw mode: bytes pass unchanged, no \\n -> \\r\\n); everything read
from the master side is written to ERRFILE. With --term-on, the command
gets SIGTERM once TEXT has appeared on its stderr. Prints the elapsed
seconds to stdout's caller via ERRFILE.time; exits with the command's
status (128 + signal when killed).
"""
import os
import pty
import select
import signal
import subprocess
import sys
import time
import tty

errf, outf = sys.argv[1], sys.argv[2]
args = sys.argv[3:]
term_on = None
if args and args[0] == "--term-on":
    term_on = args[1].encode()
    args = args[2:]
if args and args[0] == "--":
    args = args[1:]
master, slave = pty.openpty()
tty.setraw(slave)
start = time.monotonic()
with open(outf, "wb") as out, open(os.devnull, "rb") as null:
    p = subprocess.Popen(args, stdin=null, stdout=out, stderr=slave,
                         close_fds=True,
                         preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
os.close(slave)
buf = b""
sent = False
deadline = start + 120
while True:
    r, _, _ = select.select([master], [], [], 0.05)
    if r:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            chunk = b""
        if not chunk:
            break
        buf += chunk
    elif p.poll() is not None:
        # drain what is left
        try:
            while True:
                r, _, _ = select.select([master], [], [], 0.1)
                if not r:
                    break
                chunk = os.read(master, 65536)
                if not chunk:
                    break
                buf += chunk
        except OSError:
            pass
        break
    if term_on is not None and not sent and term_on in buf:
        p.send_signal(signal.SIGTERM)
        sent = True
    if time.monotonic() > deadline:
        p.kill()
rc = p.wait()
open(errf, "wb").write(buf)
open(errf + ".time", "w").write("%.3f\n" % (time.monotonic() - start))
sys.exit(128 - rc if rc < 0 else rc)
