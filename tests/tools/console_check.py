"""console_check - a team at the team console, through a pseudo-terminal.

    console_check.py human|assist|command STDERR ADJ_PID -- CONSOLE...

Plays a seat at the console the command line CONSOLE starts (FRA's
`wg-contingent --human`, with `--assist builtin` in assist mode, or
`wg-command --human`) against an exercise of tests/data/console.yaml
that the calling test started without that seat
(tests/integration/console.sh), reading the screen with wg_tty's VT100
model; STDERR gets the console's stderr, ADJ_PID is the adjudicator
(stopped for a while in human mode).

human: turn 1 pledge: a word that is no number and a pledge above the
ceiling are refused on screen with the reason (nothing is sent), then
4000 troops to E1 S1 with a rationale, confirmed; turn 2 rotation: the
terminal is resized, then 2 units prepared; turn 3 respond: Ctrl-C asks
and 'n' stays, then every incident answered; turn 4: the adjudicator is
stopped for a few seconds (the console shows RECONNECTING, then the link
back), and nothing is typed, so the fallback plays at the deadline (and
in the phases that start while FRA is absent) and the console joins
again; once the screen shows it joined, the file named by
WG_CONSOLE_RELEASE is created (the calling test holds the command's bot
at turn 5 until then, so the bots cannot play the exercise to its end
before the team is back); every phase after that is answered. The
console exits 0 at the end.

assist: turn 1: the assistant's pledge accepted unchanged; turn 2: its
rotation edited (one more unit prepared, or one fewer); turn 3: Ctrl-C
and 'y': the team leaves (a leaving Forfeit) and the console exits 0.

The log checks are the calling test's (wg-log dump).
"""
import os
import random
import re
import signal
import sys
import time

from wg_tty import Tty

mode, errfile, adj_pid = sys.argv[1], sys.argv[2], int(sys.argv[3])
argv = sys.argv[sys.argv.index("--") + 1:]

ROWS, COLS = 40, 130
# The console's stderr to a file, as a team would redirect it.
cmd = "exec %s 2>%s" % (" ".join("'%s'" % a for a in argv), errfile)
t = Tty(["/bin/sh", "-c", cmd], rows=ROWS, cols=COLS,
        log=open(errfile + ".screen", "w"))


def field():
    """The open field's label and text (the line above the status)."""
    line = t.screen.row(t.screen.rows - 2)
    m = re.match(r"([A-Za-z0-9 ]+): ?(.*)$", line)
    return (m.group(1), m.group(2)) if m else (None, None)


def wait_field(label, timeout=30):
    t.wait_for(r"(?m)^%s:( |$)" % re.escape(label), timeout)
    t.settle(0.2)


def enter(text):
    """Replaces the open field's text and enters it."""
    t.type("\x15" + text + "\r")


def confirm_and_send(turn, kind):
    t.wait_for(r"Send these orders for turn %d\?" % turn)
    t.type("y")
    t.wait_for(r"Sent turn %d %s" % (turn, kind))
    print("turn %d %s: sent" % (turn, kind))


def answer_incidents(turn, rationale):
    """Answers each incident field in turn, then the rationale."""
    actions = ["return-fire", "de-escalate", "w", "hold"]
    n = 0
    while True:
        t.settle(0.2)
        label, _ = field()
        if label is None:
            t.wait_for(r"(?m)^(incident \d+|rationale):( |$)")
            continue
        if label == "rationale":
            break
        if not label.startswith("incident "):
            t.fail("unexpected field %r at turn %d" % (label, turn))
        enter(actions[n % len(actions)])
        n += 1
        t.wait_for(r"Field %d of" % (n + 1))
    enter(rationale)
    print("turn %d respond: %d incidents answered" % (turn, n))
    return n


def garbage():
    """Types what a team might into a field: a long paste, control keys,
    arrows, Home/End, function keys, bytes of UTF-8; never Enter, Esc
    alone, y, or a key that sends a signal. The console must take it all
    and send nothing."""
    rnd = random.Random(16)
    keys = [chr(c) for c in range(32, 127) if chr(c) not in "yY"]
    keys += ["\x01", "\x02", "\x05", "\x06", "\x08", "\x7f", "\x15", "\t",
             "\x1b[A", "\x1b[B", "\x1b[C", "\x1b[D", "\x1bOH", "\x1bOF",
             "\x1b[2~", "\x1b[3~", "\x1bOP", "\x1b[15~", "\u00e9", "\u20ac"]
    t.type("9" * 3000)
    for _ in range(20):
        t.type("".join(rnd.choice(keys) for _ in range(100)))
        time.sleep(0.02)
    t.settle(0.3)
    if not t.child.isalive():
        t.fail("the console died of what was typed")
    print("turn 4: 5000 keys of garbage typed into a field; the console "
          "is alive")


def leave(turn):
    """At turn's phase, Ctrl-C and 'y': the team leaves; exit 0."""
    t.wait_for(r"DUE NOW: turn %d respond" % turn)
    t.type("\x03")
    t.wait_for(r"Leave the exercise\?")
    t.type("y")
    code, sig = t.wait_exit(30)
    if code != 0:
        t.fail("the console left with %r (signal %r), wanted 0" % (code, sig))
    print("turn %d: the team left (Ctrl-C, y); the console exited 0" % turn)


def human():
    # Turn 1, pledge: what cannot be read, then what the rules refuse.
    wait_field("pledge troops")
    t.wait_for(r"DUE NOW: turn 1 pledge: .* Time left: \d+ s")
    t.wait_for(r"Room now 12000 \(ceiling 12000, deployed 0\)")
    enter("lots")
    t.wait_for(r"REFUSED pledge troops: 'lots' is not a number\. "
               r"Nothing was sent\.")
    enter("99999")
    wait_field("pledge sectors")
    enter("E1 S1")
    wait_field("rationale")
    enter("more than we have")
    t.wait_for(r"REFUSED by the rules: FRA: pledge 99999 over room 12000")
    t.wait_for(r"Nothing was sent\.")
    wait_field("pledge troops")
    print("turn 1 pledge: 'lots' and 99999 refused on screen")
    enter("4000")
    wait_field("pledge sectors")
    if field()[1] != "E1 S1":
        t.fail("the sectors typed before the refusal were lost: %r"
               % field()[1])
    enter("E1 S1")
    wait_field("rationale")
    enter("lead nation holds E1 and S1")
    t.wait_for(r"pledge: pledge troops \[4000\] pledge sectors \[E1 S1\]")
    confirm_and_send(1, "pledge")

    # Turn 2, rotation: a resize first.
    wait_field("relieve units")
    t.resize(30, 100)
    t.wait_for(r"DUE NOW: turn 2 rotate")
    t.settle()
    if "wg team console" not in t.screen.row(0):
        t.fail("no header after the resize")
    t.resize(ROWS, COLS)
    wait_field("relieve units")
    enter("")
    wait_field("prepare units")
    enter("2")
    wait_field("recall units")
    enter("")
    wait_field("rationale")
    enter("start preparing two units")
    confirm_and_send(2, "rotation")

    # Turn 3, respond: Ctrl-C asks; no stays.
    t.wait_for(r"DUE NOW: turn 3 respond")
    t.settle()
    t.type("\x03")
    t.wait_for(r"Leave the exercise\?")
    t.type("n")
    t.wait_for(r"Staying in the exercise\.")
    print("turn 3: Ctrl-C asked, and the team stayed")
    answer_incidents(3, "turn 3: answer the fire")
    confirm_and_send(3, "response")

    # Turn 4: nothing typed: the fallback plays at the deadline. Meanwhile
    # the link goes silent and comes back.
    t.wait_for(r"DUE NOW: turn 4 respond")
    start = time.monotonic()
    garbage()
    if adj_pid:
        os.kill(adj_pid, signal.SIGSTOP)
        try:
            t.wait_for(r"RECONNECTING", 10)
        finally:
            os.kill(adj_pid, signal.SIGCONT)
        t.wait_for(r"The link is back: joined again\.", 10)
        t.wait_for(r"\| link up")
        print("turn 4: RECONNECTING shown while the adjudicator was "
              "stopped, then the link back")
    t.wait_for(r"Turn 4 respond: the deadline passed and your fallback "
               r"played", 40)
    print("turn 4: nothing entered; the fallback played after %.1f s"
          % (time.monotonic() - start))
    # The console joins again at once; the calling test holds the
    # command at turn 5 until then (WG_CONSOLE_RELEASE: the file that lets
    # it go), so the bots cannot end the exercise before the Join is taken.
    t.wait_for(r"(?s)Joining again for the next phase\..*> Joined ", 40)
    release = os.environ.get("WG_CONSOLE_RELEASE")
    if release:
        open(release, "w").close()

    # FRA is absent from the deadline of turn 4 until its Join is taken
    # (docs/PROTOCOL.md, "Absent roles"): the phases that start before
    # that are its fallback's (the bots answer at once, so one or more).
    # The console joins again at once, and the team plays what follows.
    answered = []
    while True:
        m = t.wait_for(r"DUE NOW: turn (\d+) respond|The exercise is over "
                       r"after (\d+) turns", 40)
        if m.group(2):
            break
        n = int(m.group(1))
        answer_incidents(n, "turn %d: back at the table" % n)
        confirm_and_send(n, "response")
        answered.append(n)
    if not answered:
        t.fail("the team never had a phase again after the deadline it "
               "missed")
    print("after the miss the team played turns %s" % answered)
    code, sig = t.wait_exit(30)
    if code != 0:
        t.fail("the console exited %r (signal %r), wanted 0" % (code, sig))
    print("the console exited 0 at the end of the exercise")


def assist():
    # Turn 1: the proposal as it is.
    t.wait_for(r"Assistant [^ ]+ proposes pledge: pledge troops \[(\d+)\]")
    t.wait_for(r"\[a\] accept the proposal")
    t.type("a")
    wait_field("rationale")
    enter("the staff's pledge")
    confirm_and_send(1, "pledge")
    # Turn 2: the proposal edited: one unit more to prepare (or fewer).
    m = t.wait_for(r"Assistant [^ ]+ proposes rotation: .*prepare units "
                   r"\[(\d+)\]")
    proposed = int(m.group(1))
    t.type("e")
    wait_field("relieve units")
    enter(field()[1])
    wait_field("prepare units")
    edited = proposed - 1 if proposed > 0 else proposed + 1
    enter(str(edited))
    wait_field("recall units")
    enter(field()[1])
    wait_field("rationale")
    enter("prepare %d, not %d" % (edited, proposed))
    t.wait_for(r"the assistant's proposal edited")
    confirm_and_send(2, "rotation")
    print("turn 2: prepare %d edited to %d" % (proposed, edited))
    leave(3)


def command():
    # Turn 1, requirement: one field per sector.
    wait_field("require N")
    for code, troops in (("N", 500), ("E1", 4000), ("E2", 9000),
                         ("E3", 9000), ("S1", 4000), ("S2", 3000),
                         ("R", 4000)):
        wait_field("require " + code)
        enter(str(troops))
    wait_field("rationale")
    enter("hold the line, weight on E2 and E3")
    confirm_and_send(1, "requirement")
    # Assign: FRA's pledge to E1 in whole units; the others nothing.
    m = t.wait_for(r"FRA pledged (\d+) troops for ([A-Z0-9 ]+):")
    wait_field("assign FRA")
    if "E1" not in m.group(2).split() or int(m.group(1)) < 1000:
        t.fail("FRA's pledge %r has no 1000 for E1" % m.group(0))
    enter("E1=1000")
    while True:
        t.settle(0.2)
        label, _ = field()
        if label == "rationale":
            break
        if label is None or not label.startswith("assign "):
            t.wait_for(r"(?m)^(assign [A-Z]+|rationale):( |$)")
            continue
        n = int(re.search(r"Field (\d+) of", t.screen.text()).group(1))
        enter("")
        t.wait_for(r"Field %d of" % (n + 1))
    enter("FRA leads in E1")
    confirm_and_send(1, "assignment")
    # Turn 2, rotate: no moves.
    wait_field("moves")
    enter("")
    wait_field("rationale")
    enter("no moves yet")
    confirm_and_send(2, "moves")
    # Turn 3, respond: reinforce E2, robust ROE, no recommitment.
    wait_field("reinforce")
    enter("E2")
    wait_field("robust ROE")
    enter("maybe")
    t.wait_for(r"REFUSED robust ROE: yes or no, not 'maybe'")
    enter("yes")
    wait_field("recommit")
    enter("no")
    wait_field("rationale")
    enter("the spike: answer robustly")
    confirm_and_send(3, "decision")
    leave(4)


{"human": human, "assist": assist, "command": command}[mode]()
