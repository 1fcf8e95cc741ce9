"""run_exercise_check - `scripts/run-exercise --human FRA` as the README
shows it: the default exercise on loopback, FRA at this (pseudo-)terminal
and bots elsewhere.

    run_exercise_check.py LOG -- COMMAND...

FRA's console opens with turn 1's pledge and 8 s to go (--deadline
8000); the team pledges 4000 troops to E1 and S1, then leaves at the
next phase it owes (Ctrl-C, y); the script plays the exercise to its end
with FRA's fallback and prints the summary and the log's path (LOG), and
exits 0. The log checks are the calling test's.
"""
import sys

from wg_tty import Tty

log = sys.argv[1]
argv = sys.argv[sys.argv.index("--") + 1:]
t = Tty(argv, rows=40, cols=130)
t.wait_for(r"DUE NOW: turn 1 pledge: .* Time left: [5-8] s", 120)
t.wait_for(r"(?m)^pledge troops:( |$)")
t.type("\x154000\r")
t.wait_for(r"(?m)^pledge sectors:( |$)")
t.type("\x15E1 S1\r")
t.wait_for(r"(?m)^rationale:( |$)")
t.type("from run-exercise\r")
t.wait_for(r"Send these orders for turn 1\?")
t.type("y")
t.wait_for(r"DUE NOW: turn 2 ")
t.type("\x03")
t.wait_for(r"Leave the exercise\?")
t.type("y")
t.wait_for(r"summary: scenario", 120)
t.wait_for(r"exercise log: " + log.replace(".", r"\."), 60)
code, sig = t.wait_exit(30)
if code != 0:
    t.fail("run-exercise exited %r (signal %r), wanted 0" % (code, sig))
print("run-exercise --human FRA: pledged, left at turn 2, the exercise "
      "played to its end, exit 0")
