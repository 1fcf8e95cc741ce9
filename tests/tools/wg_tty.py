"""wg_tty - drive a console through a pseudo-terminal and read its screen.

A test starts a console under pexpect (Debian's python3-pexpect) with
TERM=vt100 and a fixed size, types into it, and waits until the *screen*
(not the byte stream) shows what it expects: ncurses sends only what
changed, so a word may arrive in pieces or be left on screen from
before; a small VT100 model (Screen) replays what ncurses sends and the
tests read its rows. The model knows what ncurses sends for vt100 with
idlok off (workers/tui/tui.c): cursor moves, erase, attributes (ignored),
keypad and charset switches (ignored).

    con = Tty([bin, "--human", ...], rows=40, cols=120)
    con.wait_for(r"pledge", timeout=20)
    con.type("4000\\r")
    con.resize(30, 100)
"""

import os
import re
import sys
import time

import pexpect


class Screen:
    """A VT100 screen: rows of characters and a cursor."""

    def __init__(self, rows, cols):
        self.rows, self.cols = rows, cols
        self.cells = [[" "] * cols for _ in range(rows)]
        self.r = self.c = 0
        self.top, self.bottom = 0, rows - 1
        self.saved = (0, 0)
        self.pending = ""
        self.wrap_next = False

    def resize(self, rows, cols):
        cells = [[" "] * cols for _ in range(rows)]
        for i in range(min(rows, self.rows)):
            for j in range(min(cols, self.cols)):
                cells[i][j] = self.cells[i][j]
        self.cells, self.rows, self.cols = cells, rows, cols
        self.top, self.bottom = 0, rows - 1
        self.r, self.c = min(self.r, rows - 1), min(self.c, cols - 1)

    def text(self):
        return "\n".join("".join(row).rstrip() for row in self.cells)

    def row(self, i):
        return "".join(self.cells[i]).rstrip()

    def _scroll_up(self):
        del self.cells[self.top]
        self.cells.insert(self.bottom, [" "] * self.cols)

    def _scroll_down(self):
        del self.cells[self.bottom]
        self.cells.insert(self.top, [" "] * self.cols)

    def _down(self):
        if self.r == self.bottom:
            self._scroll_up()
        elif self.r < self.rows - 1:
            self.r += 1

    def _put(self, ch):
        if self.wrap_next:
            self.c = 0
            self._down()
            self.wrap_next = False
        self.cells[self.r][self.c] = ch
        if self.c == self.cols - 1:
            self.wrap_next = True
        else:
            self.c += 1

    def _csi(self, params, final):
        private = params.startswith("?")
        nums = [int(p) if p.isdigit() else 0
                for p in params.lstrip("?").split(";")] if params else []

        def n(i, default):
            return nums[i] if len(nums) > i and nums[i] > 0 else default

        self.wrap_next = False
        if private or final in "hlm":
            return
        if final in "Hf":
            self.r = min(n(0, 1), self.rows) - 1
            self.c = min(n(1, 1), self.cols) - 1
        elif final == "A":
            self.r = max(self.r - n(0, 1), 0)
        elif final == "B":
            self.r = min(self.r + n(0, 1), self.rows - 1)
        elif final == "C":
            self.c = min(self.c + n(0, 1), self.cols - 1)
        elif final == "D":
            self.c = max(self.c - n(0, 1), 0)
        elif final == "J":
            mode = nums[0] if nums else 0
            if mode == 0:
                self.cells[self.r][self.c:] = [" "] * (self.cols - self.c)
                for i in range(self.r + 1, self.rows):
                    self.cells[i] = [" "] * self.cols
            elif mode == 2:
                self.cells = [[" "] * self.cols for _ in range(self.rows)]
        elif final == "K":
            mode = nums[0] if nums else 0
            if mode == 0:
                self.cells[self.r][self.c:] = [" "] * (self.cols - self.c)
            elif mode == 1:
                self.cells[self.r][:self.c + 1] = [" "] * (self.c + 1)
            else:
                self.cells[self.r] = [" "] * self.cols
        elif final == "r":
            self.top = n(0, 1) - 1
            self.bottom = n(1, self.rows) - 1
            self.r = self.c = 0

    def feed(self, data):
        s = self.pending + data
        self.pending = ""
        i = 0
        while i < len(s):
            ch = s[i]
            if ch == "\x1b":
                if i + 1 >= len(s):
                    self.pending = s[i:]
                    return
                if s[i + 1] == "[":
                    m = re.match(r"\x1b\[([0-9;?]*)([@-~])", s[i:])
                    if m:
                        self._csi(m.group(1), m.group(2))
                        i += m.end()
                    elif re.fullmatch(r"\x1b\[[0-9;?]*", s[i:]):
                        self.pending = s[i:]
                        return
                    else:
                        i += 2
                    continue
                if s[i + 1] in "()" and i + 2 >= len(s):
                    self.pending = s[i:]
                    return
                nxt = s[i + 1]
                if nxt in "()":
                    i += 3
                    continue
                if nxt == "7":
                    self.saved = (self.r, self.c)
                elif nxt == "8":
                    self.r, self.c = self.saved
                elif nxt == "M":
                    if self.r == self.top:
                        self._scroll_down()
                    elif self.r > 0:
                        self.r -= 1
                elif nxt == "D":
                    self._down()
                elif nxt == "E":
                    self.c = 0
                    self._down()
                i += 2
                continue
            if ch == "\r":
                self.c = 0
                self.wrap_next = False
            elif ch == "\n":
                self._down()
                self.wrap_next = False
            elif ch == "\b":
                self.c = max(self.c - 1, 0)
                self.wrap_next = False
            elif ch == "\t":
                self.c = min((self.c // 8 + 1) * 8, self.cols - 1)
            elif ch >= " " and ch != "\x7f":
                self._put(ch)
            i += 1


class Tty:
    """A program on a pseudo-terminal, with the screen it draws."""

    def __init__(self, argv, rows=40, cols=120, env=None, log=None):
        e = dict(os.environ if env is None else env)
        e["TERM"] = "vt100"
        e.pop("COLUMNS", None)
        e.pop("LINES", None)
        self.screen = Screen(rows, cols)
        self.log = log
        self.child = pexpect.spawn(argv[0], argv[1:], env=e,
                                   dimensions=(rows, cols),
                                   encoding="utf-8",
                                   codec_errors="replace")

    def _read(self, timeout):
        try:
            data = self.child.read_nonblocking(65536, timeout=timeout)
        except pexpect.TIMEOUT:
            return False
        except pexpect.EOF:
            return None
        if self.log:
            self.log.write(data)
        self.screen.feed(data)
        return True

    def wait_for(self, pattern, timeout=30):
        """Reads until the screen matches pattern (a regex); returns the
        match. Fails with the screen on a timeout or an exit."""
        rx = re.compile(pattern)
        end = time.monotonic() + timeout
        while True:
            m = rx.search(self.screen.text())
            if m:
                return m
            left = end - time.monotonic()
            if left <= 0:
                self.fail("timed out waiting for %r" % pattern)
            if self._read(min(left, 0.5)) is None:
                m = rx.search(self.screen.text())
                if m:
                    return m
                self.fail("the program ended waiting for %r" % pattern)

    def settle(self, quiet=0.3, timeout=5):
        """Reads until nothing comes for `quiet` seconds."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if not self._read(quiet):
                return

    def type(self, keys):
        self.child.send(keys)

    def resize(self, rows, cols):
        self.child.setwinsize(rows, cols)
        self.screen.resize(rows, cols)

    def wait_exit(self, timeout=30):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self._read(0.5) is None:
                break
        self.child.close()
        return self.child.exitstatus, self.child.signalstatus

    def fail(self, why):
        sys.stderr.write("FAIL: %s\n--- screen ---\n%s\n--------------\n"
                         % (why, self.screen.text()))
        try:
            self.child.kill(9)
        except Exception:
            pass
        sys.exit(1)
