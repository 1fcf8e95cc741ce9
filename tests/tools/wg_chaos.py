#!/usr/bin/env python3
"""wg_chaos.py - a seeded controller that plays an exercise while it kills
its processes (integration.chaos, tests/integration/chaos.sh).

It starts wg-adjudicator (recording --log LOG), wg-command and one
wg-contingent per nation on the endpoints given, and plans its kills by
the exercise's progress: --adjudicator-kills turns at which it SIGKILLs
the adjudicator (restarted with --resume LOG, on the same endpoints, after
a random pause up to 0.8 s), --worker-kills turns at which it SIGKILLs
one worker, or two to four (each restarted after a random pause up to
1.5 s), and --worker-freezes turns at which it SIGSTOPs a worker for 0.3
to 2 s (long enough for the adjudicator's heartbeat to close its
connection), each a random moment (up to 0.15 s) after the adjudicator printed
that turn's line, so mid-phase as often as not. Turns tie the kills to
the exercise whatever the machine's speed. After the last kill nothing
more is killed and the exercise must end by itself.

Every choice (the turns, the moments, the victims, the pauses) comes from
one random.Random(seed): the same seed makes the same choices, though
what each kill interrupts depends on timing. What it prints,
one line each: every kill and restart, then 'adjudicator exit N' for its
last run, 'worker ROLE exit N' for each worker alive at the end, and
'kills: ...' with the counts. Exit 0 if the last adjudicator exited 0
and every worker alive at the end exited 0 within --worker-grace seconds;
1 otherwise; 2 for bad usage or a process that could not start.
"""
import argparse
import os
import random
import signal
import subprocess
import sys
import time


def parse():
    p = argparse.ArgumentParser()
    p.add_argument("--bin", required=True, help="the workers' directory")
    p.add_argument("--scenario", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--router", required=True)
    p.add_argument("--pub", required=True)
    p.add_argument("--out", required=True, help="a directory for output")
    p.add_argument("--seed", type=int, default=18)
    p.add_argument("--turns", type=int, required=True,
                   help="the scenario's turns")
    p.add_argument("--worker-kills", type=int, default=30)
    p.add_argument("--worker-freezes", type=int, default=8)
    p.add_argument("--limit", type=float, default=60.0,
                   help="seconds the whole exercise may take")
    p.add_argument("--adjudicator-kills", type=int, default=6)
    p.add_argument("--worker-grace", type=float, default=10.0)
    p.add_argument("--bot", help="a plug-in bot for every worker")
    return p.parse_args()


class Proc:
    """One role's process, started again and again."""

    started = []  # every Popen, for the clean-up
    def __init__(self, name, argv, out):
        self.name, self.argv, self.out = name, argv, out
        self.popen = None
        self.runs = 0
        self.restart_at = None  # when dead: when to start it again
        self.frozen_until = None  # when stopped (SIGSTOP): when to go on

    def start(self, extra=()):
        self.runs += 1
        self.base = base = os.path.join(self.out,
                                        "%s.%d" % (self.name, self.runs))
        with open(base + ".out", "wb") as o, open(base + ".err", "wb") as e:
            self.popen = subprocess.Popen(list(self.argv) + list(extra),
                                          stdout=o, stderr=e,
                                          stdin=subprocess.DEVNULL)
        Proc.started.append(self.popen)
        self.restart_at = None

    def thaw(self):
        if self.frozen_until is not None and self.alive():
            self.popen.send_signal(signal.SIGCONT)
        self.frozen_until = None

    def alive(self):
        return self.popen is not None and self.popen.poll() is None

    def kill(self):
        self.frozen_until = None
        if self.alive():
            self.popen.send_signal(signal.SIGKILL)
        if self.popen is not None:
            self.popen.wait()


def say(msg, t0):
    print("%7.3f %s" % (time.monotonic() - t0, msg), flush=True)


def nations(args):
    out = subprocess.run([os.path.join(args.bin, "wg-adjudicator"),
                          "--scenario", args.scenario, "--list-nations"],
                         capture_output=True, text=True, check=True)
    return out.stdout.split()


def wait_bound(adj, args, deadline):
    """Waits for the adjudicator to log its endpoints (it has bound)."""
    want = "ROUTER %s, PUB %s" % (args.router, args.pub)
    err = os.path.join(args.out, "%s.%d.err" % (adj.name, adj.runs))
    while time.monotonic() < deadline:
        with open(err, errors="replace") as f:
            if want in f.read():
                return True
        if not adj.alive():
            return False
        time.sleep(0.01)
    return False


class Progress:
    """The last turn the adjudicators printed (a turn line each)."""

    def __init__(self):
        self.turn = 0
        self.path, self.pos = None, 0

    def follow(self, path):
        self.path, self.pos = path, 0

    def read(self):
        try:
            with open(self.path, "rb") as f:
                f.seek(self.pos)
                data = f.read()
        except OSError:
            return self.turn
        end = data.rfind(b"\n") + 1  # whole lines only
        self.pos += end
        for line in data[:end].split(b"\n"):
            if line.startswith(b"turn "):
                self.turn = max(self.turn, int(line.split()[1]))
        return self.turn


def plan(args, rng):
    """The kills, by the turn after whose line each comes (and a pause
    within that turn): a list of (turn, pause, what), what being
    'adjudicator', 'freeze' or a number of workers."""
    last = args.turns - 3
    events = [(t, "adjudicator") for t in
              rng.sample(range(5, last), args.adjudicator_kills)]
    for t in rng.sample(range(2, last), args.worker_kills):
        events.append((t, 1 if rng.random() < 0.8 else rng.randint(2, 4)))
    events += [(t, "freeze") for t in
               rng.sample(range(2, last), args.worker_freezes)]
    events.sort(key=lambda e: e[0])
    return [(t, rng.uniform(0.0, 0.15), what) for t, what in events]


def main():
    args = parse()
    # Stopped (SIGTERM, Ctrl-C): every process started goes too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    rng = random.Random(args.seed)
    t0 = time.monotonic()
    ep = ["--router", args.router, "--pub", args.pub]
    adj_argv = [os.path.join(args.bin, "wg-adjudicator"), "--log-level",
                "info", "--lobby-timeout", "3000", "--heartbeat", "250"] + ep
    adj = Proc("adjudicator", adj_argv, args.out)
    wep = ep + (["--bot", args.bot] if args.bot else [])
    workers = [Proc("command", [os.path.join(args.bin, "wg-command")] + wep,
                    args.out)]
    for n in nations(args):
        workers.append(Proc(n, [os.path.join(args.bin, "wg-contingent"),
                                "--nation", n] + wep, args.out))
    events = plan(args, rng)
    progress = Progress()

    adj.start(["--scenario", args.scenario, "--log", args.log])
    progress.follow(adj.base + ".out")
    if not wait_bound(adj, args, t0 + 10):
        say("the adjudicator did not bind", t0)
        adj.kill()
        return 2
    for w in workers:
        w.start()

    kills = {"adjudicator": 0, "worker": 0, "several": 0, "freeze": 0}
    due = None  # when the next event fires
    ended = False
    while time.monotonic() < t0 + args.limit:
        now = time.monotonic()
        # The adjudicator ended the exercise (0) or failed (anything else
        # but our SIGKILL): chaos is over.
        if adj.restart_at is None and not adj.alive():
            ended = True
            break
        for p in [adj] + workers:
            if p.restart_at is not None and now >= p.restart_at:
                if p is adj:
                    p.start(["--resume", args.log])
                    progress.follow(adj.base + ".out")
                    say("adjudicator restarted (--resume)", t0)
                else:
                    p.start()
                    say("%s restarted" % p.name, t0)
        turn = progress.read()
        if events and due is None and turn >= events[0][0]:
            due = now + events[0][1]
        if due is not None and now >= due:
            at, _, what = events.pop(0)
            due = None
            if what == "adjudicator":
                if adj.alive():
                    adj.kill()
                    kills["adjudicator"] += 1
                    adj.restart_at = now + rng.uniform(0.0, 0.8)
                    say("adjudicator killed (turn %d)" % turn, t0)
            elif what == "freeze":
                w = rng.choice(workers)
                thaw = now + rng.uniform(0.3, 2.0)
                if w.alive() and w.frozen_until is None:
                    w.popen.send_signal(signal.SIGSTOP)
                    w.frozen_until = thaw
                    kills["freeze"] += 1
                    say("%s frozen (turn %d)" % (w.name, turn), t0)
            else:
                kills["worker" if what == 1 else "several"] += 1
                for w in rng.sample(workers, what):
                    if w.alive():
                        w.kill()
                        w.restart_at = now + rng.uniform(0.0, 1.5)
                        say("%s killed (turn %d)" % (w.name, turn), t0)
        for w in workers:
            if w.frozen_until is not None and now >= w.frozen_until:
                w.thaw()
                say("%s thawed" % w.name, t0)
        time.sleep(0.005)

    rc = 0
    if not ended:
        say("the exercise did not end within %.0f s" % args.limit, t0)
        rc = 1
    adj.kill()
    say("adjudicator exit %d (run %d)" % (adj.popen.returncode, adj.runs), t0)
    if adj.popen.returncode != 0:
        rc = 1
    # Workers alive at the end must hear it and exit 0; those that were
    # dead then stay dead (nothing is left to join). One frozen at the end
    # is as good as dead: if it is stopped longer than the adjudicator
    # lingers, nothing tells it (a worker cannot tell an adjudicator that
    # ended from one that died and will be resumed).
    grace_until = time.monotonic() + args.worker_grace
    for w in workers:
        if w.frozen_until is not None:
            say("worker %s frozen at the end: not waited for" % w.name, t0)
            w.kill()
            continue
        if w.popen is None or w.restart_at is not None:
            continue
        try:
            w.popen.wait(timeout=max(0.0, grace_until - time.monotonic()))
        except subprocess.TimeoutExpired:
            say("worker %s still running %.0f s after the end" %
                (w.name, args.worker_grace), t0)
            w.kill()
            rc = 1
            continue
        say("worker %s exit %d (run %d)" % (w.name, w.popen.returncode,
                                            w.runs), t0)
        if w.popen.returncode != 0:
            rc = 1
    for w in workers:
        w.kill()
    say("kills: adjudicator %d, one worker %d, several workers %d, "
        "freezes %d (seed %d)" % (kills["adjudicator"], kills["worker"],
                                  kills["several"], kills["freeze"],
                                  args.seed), t0)
    return rc


def run():
    try:
        return main()
    finally:
        for p in Proc.started:
            if p.poll() is None:
                p.kill()
                p.wait()


if __name__ == "__main__":
    sys.exit(run())
