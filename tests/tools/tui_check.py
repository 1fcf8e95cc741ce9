"""tui_check - the terminal UI layer (workers/tui) through a pseudo-terminal.

Drives tests/tools/tui_probe (argv[1]): the body is drawn at the size of
the terminal and follows a resize; a field shows its help and its initial
text, is edited (Backspace, typing) and entered; Esc cancels a field; a
confirm dialog answers no and stays; Ctrl-C asks before leaving and 'y'
leaves with exit 0; a terminal that hangs up ends the probe (exit 3)
instead of spinning.
"""
import sys
import time

from wg_tty import Tty

probe = sys.argv[1]

t = Tty([probe], rows=24, cols=80)
t.wait_for(r"tui probe body 21x80")
t.wait_for(r"(?m)^ready$")
t.wait_for(r"bottom row of the body")
t.settle()
if t.screen.row(20) != "bottom row of the body":
    t.fail("the body's last row is not row 20: %r" % t.screen.row(20))

# A field: its help above it, the initial text, edited and entered.
t.type("f")
t.wait_for(r"help: a number of troops, Esc cancels")
t.wait_for(r"(?m)^troops: 12$")
t.type("\b\b4500\r")
t.wait_for(r"last field: \[4500\]")
t.wait_for(r"(?m)^field done$")
if "help: a number" in t.screen.text():
    t.fail("the help line stayed after the field closed")

# Esc cancels.
t.type("f")
t.wait_for(r"(?m)^troops: 12$")
t.type("\x1b")
t.wait_for(r"last field: \[\(cancelled\)\]")

# Keys the body takes.
t.type("xyz")
t.wait_for(r"keys taken by the body: 5")

# Resize: the body follows the terminal.
t.resize(30, 100)
t.wait_for(r"tui probe body 27x100")
t.settle()
if t.screen.row(26) != "bottom row of the body":
    t.fail("after the resize the body's last row is not row 26")
t.resize(12, 50)
t.wait_for(r"tui probe body 9x50")

# A dialog: no keeps the probe running; other keys do not close it.
t.resize(24, 80)
t.wait_for(r"tui probe body 21x80")
t.type("q")
t.wait_for(r"Leave the probe\?")
t.wait_for(r"Nothing is lost\.")
t.type("zz")
t.settle()
if "Leave the probe?" not in t.screen.text():
    t.fail("a key that is no answer closed the dialog")
t.type("n")
t.wait_for(r"(?m)^staying$")

# Ctrl-C asks; y leaves cleanly.
t.type("\x03")
t.wait_for(r"Ctrl-C: leave the probe\?")
t.type("y")
code, sig = t.wait_exit()
if code != 0:
    t.fail("the probe left with %r (signal %r), wanted 0" % (code, sig))
print("tui: field, cancel, resize, dialog and Ctrl-C: ok")

# A hang-up: the terminal closes under the probe; it must end, not spin.
t = Tty([probe], rows=24, cols=80)
t.wait_for(r"(?m)^ready$")
start = time.monotonic()
t.child.close(force=False)
took = time.monotonic() - start
code = t.child.exitstatus
if code != 3:
    t.fail("after a hang-up the probe exited %r, wanted 3" % code)
print("tui: hang-up ends the probe (exit %r, signal %r) in %.1f s"
      % (code, t.child.signalstatus, took))
