#!/usr/bin/python3
"""wg_tty_steps.py - runs a terminal program through a pseudo-terminal by a
script of steps, checking what its screen shows as a person would see it.

    wg_tty_steps.py --rows R --cols C --script FILE [--dump FILE] -- CMD...

The program and its screen are wg_tty.Tty's (python3-pexpect, TERM=vt100,
a VT100 model of the screen): checks read the screen's rows, not the
escape sequences that drew them. A shell test writes the steps, starts
this in the background and meets it through files (touch, wait-file), so
it can start and stop other processes between two looks at the screen.
One step a line ('#' starts a comment); REGEX is Python's, matched with
re.MULTILINE against the screen's rows joined with newlines:

    expect REGEX [SECONDS]       the screen matches within SECONDS (20)
    lines REGEX... [-- SECONDS]  each REGEX matches some row of the screen
    absent REGEX                 once the screen is quiet, it does not match
    send TEXT                    types the rest of the line (Python escapes:
                                 \\x03 is Ctrl-C, \\x1bOD the left arrow)
    resize ROWS COLS             resizes the terminal (SIGWINCH)
    touch FILE                   creates FILE
    wait-file FILE [SECONDS]     waits (reading the screen) until FILE exists
    include FILE                 runs FILE's steps, read now (a test writes
                                 them once it knows what to expect)
    exit CODE [SECONDS]          the program exits with CODE within SECONDS
    sleep SECONDS

A failed step prints itself and the screen and exits 1; --dump FILE keeps
the last screen. Exit 0 when every step passed.
"""
import argparse
import codecs
import os
import re
import shlex
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wg_tty  # noqa: E402


class Steps:
    def __init__(self, tty, dump):
        self.tty = tty
        self.dump = dump

    def keep_screen(self):
        if self.dump:
            with open(self.dump, "w") as f:
                f.write(self.tty.screen.text() + "\n")

    def fail(self, step, why):
        self.keep_screen()
        print(f"FAIL: step '{step}': {why}", flush=True)
        self.tty.fail(why)  # prints the screen, kills the program, exits 1

    def pump(self, seconds):
        """Reads the screen for `seconds` (a program whose terminal is not
        read blocks once the pseudo-terminal's buffer is full)."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.tty.settle(quiet=0.05, timeout=min(0.2, seconds))

    def expect(self, step, pattern, seconds):
        end = time.monotonic() + seconds
        rx = re.compile(pattern, re.M)
        while not rx.search(self.tty.screen.text()):
            if time.monotonic() >= end:
                self.fail(step, f"no /{pattern}/ within {seconds} s")
            if not self.tty.child.isalive():
                self.tty.settle(quiet=0.1, timeout=1)
                if not rx.search(self.tty.screen.text()):
                    self.fail(step, f"the program ended before /{pattern}/")
            self.pump(0.05)

    def run(self, words, line):
        op, args = words[0], words[1:]
        if op == "expect":
            self.expect(line, args[0], float(args[1]) if len(args) > 1 else 20)
        elif op == "lines":
            secs = 20.0
            if "--" in args:
                secs = float(args[args.index("--") + 1])
                args = args[:args.index("--")]
            # Every row pattern, somewhere on the screen: one lookahead each.
            self.expect(line, "".join(r"(?=[\s\S]*^(?:%s))" % a for a in args),
                        secs)
        elif op == "absent":
            self.tty.settle(quiet=0.3, timeout=3)
            if re.search(args[0], self.tty.screen.text(), re.M):
                self.fail(line, f"/{args[0]}/ is on the screen")
        elif op == "send":  # the rest of the line, as written
            self.tty.type(codecs.decode(line.split(None, 1)[1],
                                        "unicode_escape"))
        elif op == "resize":
            self.tty.resize(int(args[0]), int(args[1]))
        elif op == "touch":
            open(args[0], "a").close()
        elif op == "wait-file":
            secs = float(args[1]) if len(args) > 1 else 60
            end = time.monotonic() + secs
            while not os.path.exists(args[0]):
                if time.monotonic() >= end:
                    self.fail(line, f"{args[0]} did not appear in {secs} s")
                self.pump(0.05)
        elif op == "include":
            self.run_file(args[0])
        elif op == "exit":
            secs = float(args[1]) if len(args) > 1 else 10
            code, sig = self.tty.wait_exit(secs)
            if code != int(args[0]):
                self.fail(line, f"exit status {code} (signal {sig}), "
                          f"wanted {args[0]}")
        elif op == "sleep":
            self.pump(float(args[0]))
        else:
            self.fail(line, "unknown step")

    def run_file(self, path):
        with open(path) as f:
            steps = f.read().splitlines()
        for raw in steps:
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            self.run(shlex.split(line), line)
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
    steps = Steps(wg_tty.Tty(cmd, rows=a.rows, cols=a.cols), a.dump)
    steps.run_file(a.script)
    steps.keep_screen()
    if steps.tty.child.isalive():
        steps.tty.child.terminate(force=True)


if __name__ == "__main__":
    main()
