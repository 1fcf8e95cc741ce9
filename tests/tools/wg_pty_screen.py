#!/usr/bin/python3
"""wg_pty_screen.py - drives a terminal program through a pseudo-terminal
and checks what its screen shows, as a person at it would see it.

    wg_pty_screen.py --rows R --cols C --script FILE [--dump FILE] -- CMD...

The program runs under a pseudo-terminal (Debian's python3-pexpect) with
TERM=linux; everything it writes is fed to a terminal emulator (Debian's
python3-pyte), so checks read the screen's cells, not the escape sequences
that drew them. (Not TERM=xterm: ncurses then repeats characters with
REP, CSI b, which pyte 0.8 does not know, and the screen it sees differs
from a real terminal's.) The script is one step a line ('#' starts a comment):

    expect REGEX [SECONDS]     the screen (its lines joined with newlines)
                               matches REGEX (Python re, MULTILINE) within
                               SECONDS (default 20)
    lines REGEX... [-- SECONDS]  each REGEX matches a line of the screen
    absent REGEX               the screen does not match REGEX now
    send TEXT                  types the rest of the line (Python escapes:
                               \\x03 is Ctrl-C, \\x1b[D the left arrow)
    resize ROWS COLS           resizes the terminal (the program gets
                               SIGWINCH)
    touch FILE                 creates FILE (tells the test a step is done)
    wait-file FILE [SECONDS]   waits until FILE exists
    exit CODE [SECONDS]        the program exits with CODE within SECONDS
    include FILE               runs the steps of FILE, read now (a test
                               writes them once it knows what to expect)
    sleep SECONDS

On a failed step it prints the step, the screen, and exits 1; --dump FILE
writes the last screen to FILE either way. Exit 0 when every step passed.
"""
import argparse
import codecs
import os
import re
import shlex
import sys
import time

import pexpect
import pyte


class Term:
    def __init__(self, cmd, rows, cols):
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.Stream(self.screen)
        env = dict(os.environ, TERM="linux")
        self.child = pexpect.spawn(cmd[0], cmd[1:], env=env, encoding="utf-8",
                                   codec_errors="replace",
                                   dimensions=(rows, cols))
        self.eof = False

    def pump(self, timeout):
        """Feeds what the program wrote within timeout to the emulator."""
        if self.eof:
            time.sleep(timeout)
            return
        try:
            data = self.child.read_nonblocking(65536, timeout=timeout)
            self.stream.feed(data)
        except pexpect.TIMEOUT:
            pass
        except pexpect.EOF:
            self.eof = True

    def text(self):
        return "\n".join(line.rstrip() for line in self.screen.display)

    def until(self, check, seconds):
        end = time.time() + seconds
        while True:
            if check():
                return True
            if time.time() >= end:
                return False
            self.pump(0.05)


def fail(term, step, why, dump):
    print(f"FAIL: step '{step}': {why}")
    print("---- screen ----")
    print(term.text())
    print("----------------")
    if dump:
        with open(dump, "w") as f:
            f.write(term.text() + "\n")
    sys.exit(1)


def run_step(term, words, line, dump):
    op, args = words[0], words[1:]
    if op == "expect":
        secs = float(args[1]) if len(args) > 1 else 20
        rx = re.compile(args[0], re.M)
        if not term.until(lambda: rx.search(term.text()), secs):
            fail(term, line, f"no /{args[0]}/ within {secs} s", dump)
    elif op == "lines":
        secs = 20.0
        if "--" in args:
            secs = float(args[args.index("--") + 1])
            args = args[:args.index("--")]
        rxs = [re.compile(a) for a in args]

        def all_there():
            lines = term.text().split("\n")
            return all(any(r.search(ln) for ln in lines) for r in rxs)
        if not term.until(all_there, secs):
            lines = term.text().split("\n")
            missing = [r.pattern for r in rxs
                       if not any(r.search(ln) for ln in lines)]
            fail(term, line, f"no line matches {missing} within {secs} s",
                 dump)
    elif op == "absent":
        term.pump(0.2)
        if re.search(args[0], term.text(), re.M):
            fail(term, line, f"/{args[0]}/ is on the screen", dump)
    elif op == "send":  # the rest of the line, as written (no shell quoting)
        term.child.send(codecs.decode(line.split(None, 1)[1],
                                      "unicode_escape"))
    elif op == "resize":
        rows, cols = int(args[0]), int(args[1])
        term.screen.resize(rows, cols)
        term.child.setwinsize(rows, cols)
    elif op == "touch":
        open(args[0], "a").close()
    elif op == "wait-file":
        secs = float(args[1]) if len(args) > 1 else 60
        if not term.until(lambda: os.path.exists(args[0]), secs):
            fail(term, line, f"{args[0]} did not appear in {secs} s", dump)
    elif op == "exit":
        secs = float(args[1]) if len(args) > 1 else 10
        if not term.until(lambda: term.eof or not term.child.isalive(), secs):
            fail(term, line, f"still running after {secs} s", dump)
        term.child.close()
        code = term.child.exitstatus
        if code is None:
            code = -term.child.signalstatus
        if code != int(args[0]):
            fail(term, line, f"exited {code}, wanted {args[0]}", dump)
    elif op == "sleep":
        term.until(lambda: False, float(args[0]))
    elif op == "include":
        run_file(term, args[0], dump)
    else:
        fail(term, line, "unknown step", dump)


def run_file(term, path, dump):
    with open(path) as f:
        steps = f.read().splitlines()
    for raw in steps:
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        run_step(term, shlex.split(line), line, dump)
        print(f"ok: {line}", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=40)
    ap.add_argument("--cols", type=int, default=140)
    ap.add_argument("--script", required=True)
    ap.add_argument("--dump")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    term = Term(cmd, a.rows, a.cols)
    run_file(term, a.script, a.dump)
    if a.dump:
        with open(a.dump, "w") as f:
            f.write(term.text() + "\n")
    if term.child.isalive():
        term.child.terminate(force=True)


if __name__ == "__main__":
    main()
