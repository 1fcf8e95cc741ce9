#!/usr/bin/env python3
"""wg_share_check.py - who sees what, checked from outside wg (sharing.sh).

Written from docs/PROTOCOL.md ("Who sees what") and docs/LOG-FORMAT.md
alone: the envelopes are read with the protobuf wire-format reader of
wg_chain_check.py, not with wg's code.

  capture PUB OUT SECONDS
      subscribes to the adjudicator's PUB and writes every message it gets
      to OUT (u32le length, bytes) until an ExerciseEnd or SECONDS pass;
      OUT.ready appears once the subscription is live (the first Beacon).
  play ROUTER PUB NATION OUT SECONDS
      plays NATION from Python: joins once the PUB speaks, writes every
      message it gets on its DEALER and its SUB to OUT (one byte, 'd' or
      's', then u32le length and bytes), and forfeits each phase that
      expects it ("bot crashed": the fallback plays at once), until an
      ExerciseEnd.
  check-capture FILE NATION POLICY
      every envelope of a file written by capture or play: a published one
      carries no unit, nor (national) a nation's private figures, pledge or
      incident; one addressed to NATION carries only NATION's units and
      (national) only its own figures. Prints what it saw.
  check-log LOG POLICY
      the same for every record of an exercise log by its recipient, for
      every nation; the command sees every unit (coalition) or the
      deployed ones (national).
Exit 0 when every check passes, 1 otherwise, 2 on bad usage.
"""
import os
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from wg_chain_check import fields, read_frames  # noqa: E402

UNIT_DEPLOYED = 3


def sub(buf, number):
    return [v for n, w, v in fields(buf) if n == number and w == 2]


def one(buf, number, default=None):
    found = default
    for n, w, v in fields(buf):
        if n == number:
            found = v
    return found


def text(b):
    return b.decode() if isinstance(b, (bytes, bytearray)) else (b or "")


def units(sit):
    """(nation, status) of each unit of a Situation."""
    return [(text(one(u, 2, b"")), one(u, 3, 0)) for u in sub(sit, 8)]


def private_nations(sit):
    """Codes of the nations whose private figures a Situation shows."""
    out = []
    for ns in sub(sit, 7):
        if any(one(ns, f, 0) for f in (5, 7, 8, 11)):
            out.append(text(one(ns, 1, b"")))
    return out


class Checker:
    def __init__(self, policy):
        self.policy = policy
        self.failures = []
        self.seen = {}

    def fail(self, msg):
        if len(self.failures) < 20:
            self.failures.append(msg)

    def count(self, key):
        self.seen[key] = self.seen.get(key, 0) + 1

    def situation(self, sit, to, where):
        """to: '' (the PUB), 'command' or a nation code."""
        if self.policy == "full":        # everyone sees every unit
            self.count("units to " + (to or "the PUB"))
            return
        for nation, status in units(sit):
            if to == "":
                self.fail("%s: a unit of %s on the PUB" % (where, nation))
            elif to == "command":
                if self.policy == "national" and status != UNIT_DEPLOYED:
                    self.fail("%s: %s's unit at home went to the command"
                              % (where, nation))
            elif nation != to:
                self.fail("%s: a unit of %s went to %s" % (where, nation, to))
            else:
                self.count("own units to " + to)
        if self.policy == "national" and to != "command":
            for code in private_nations(sit):
                if code != to:
                    self.fail("%s: %s's private figures went to %s"
                              % (where, code, to or "the PUB"))

    def envelope(self, env, where, only=None):
        if one(env, 1, 0) != 1:          # not from the adjudicator
            return
        to = text(one(env, 6, b""))
        if only is not None and to not in ("", only):
            self.fail("%s: a message for %s reached %s" % (where, to, only))
        ts, welcome, result = one(env, 12), one(env, 11), one(env, 19)
        if ts is not None:
            self.count("phase starts " + (to or "published"))
            sit = one(ts, 4)
            if sit is not None:
                self.situation(sit, to, where)
            if self.policy == "national" and to != "command":
                for p in sub(ts, 6):
                    if text(one(p, 1, b"")) != to:
                        self.fail("%s: a pledge of %s went to %s"
                                  % (where, text(one(p, 1, b"")),
                                     to or "the PUB"))
                if to == "" and sub(ts, 7):
                    self.fail("%s: incidents on the PUB" % where)
        if welcome is not None and one(welcome, 5) is not None:
            self.situation(one(welcome, 5), to, where)
        if result is not None and self.policy == "national":
            for nr in sub(result, 3):
                if any(one(nr, f, 0) for f in (3, 4, 7, 10)):
                    self.fail("%s: %s's private results published"
                              % (where, text(one(nr, 1, b""))))

    def report(self, what):
        for k in sorted(self.seen):
            print("%s: %s %d" % (what, k, self.seen[k]))
        for f in self.failures:
            print("FAIL: " + f)
        return 1 if self.failures else 0


def read_capture(path):
    # Every record is tagged: 'd' (the DEALER) or 's' (the SUB), then a
    # 4-byte length. (An optional tag was ambiguous: a length whose low
    # byte is 'd' or 's' read as a tag.)
    data = open(path, "rb").read()
    pos, out = 0, []
    while pos < len(data):
        tag = data[pos:pos + 1].decode()
        pos += 1
        n = struct.unpack_from("<I", data, pos)[0]
        out.append((tag, data[pos + 4:pos + 4 + n]))
        pos += 4 + n
    return out


def is_end(env):
    return one(env, 1, 0) == 1 and one(env, 21) is not None


def cmd_capture(pub, out, seconds):
    import zmq
    ctx = zmq.Context()
    s = ctx.socket(zmq.SUB)
    s.setsockopt(zmq.SUBSCRIBE, b"")
    s.setsockopt(zmq.RCVTIMEO, 200)
    s.connect(pub)
    end = time.time() + seconds
    with open(out, "wb") as f:
        while time.time() < end:
            try:
                m = s.recv()
            except zmq.Again:
                continue
            if not os.path.exists(out + ".ready"):
                open(out + ".ready", "w").close()   # the SUB is live
            if one(m, 22) is not None:   # Beacons are not recorded
                continue
            f.write(b"s" + struct.pack("<I", len(m)) + m)
            f.flush()
            if is_end(m):
                break
    s.close(linger=0)
    ctx.term()
    return 0


def envelope(nation, turn, phase, number, payload):
    """A contingent's envelope, encoded by hand (field order as protobuf-c)."""
    def key(n, w):
        return bytes([n << 3 | w]) if n < 16 else bytes([(n << 3 | w) & 0x7f | 0x80, (n << 3 | w) >> 7])

    def var(v):
        b = b""
        while True:
            c = v & 0x7f
            v >>= 7
            b += bytes([c | (0x80 if v else 0)])
            if not v:
                return b

    def ld(n, b):
        return key(n, 2) + var(len(b)) + b
    out = key(1, 0) + var(3) + ld(2, nation.encode())
    if turn:
        out += key(3, 0) + var(turn)
    out += key(4, 0) + var(phase)
    return out + ld(number, payload)


def cmd_play(router, pub, nation, out, seconds):
    import zmq
    ctx = zmq.Context()
    d = ctx.socket(zmq.DEALER)
    s = ctx.socket(zmq.SUB)
    s.setsockopt(zmq.SUBSCRIBE, b"")
    d.connect(router)
    s.connect(pub)
    poller = zmq.Poller()
    poller.register(d, zmq.POLLIN)
    poller.register(s, zmq.POLLIN)
    agent = b"py-share/1"
    join = envelope(nation, 0, 1, 10, b"\x0a" + bytes([len(agent)]) + agent)
    heard, welcomed, answered, done = False, False, set(), False
    end, next_join = time.time() + seconds, 0.0
    with open(out, "wb") as f:
        while not done and time.time() < end:
            # Join once the PUB speaks, again each second until welcomed.
            if heard and not welcomed and time.time() >= next_join:
                d.send(join)
                next_join = time.time() + 1.0
            for sock, _ in poller.poll(200):
                m = sock.recv()
                heard = heard or sock is s
                welcomed = welcomed or one(m, 11) is not None
                if one(m, 22) is not None:
                    continue
                f.write((b"d" if sock is d else b"s") +
                        struct.pack("<I", len(m)) + m)
                if is_end(m):
                    done = True
                ts = one(m, 12)
                if ts is None:
                    continue
                expected = [text(e) for e in sub(ts, 3)]
                turn, phase = one(m, 3, 0), one(m, 4, 0)
                if nation in expected and (turn, phase) not in answered:
                    answered.add((turn, phase))
                    d.send(envelope(nation, turn, phase, 23,
                                    b"\x0a\x0bbot crashed"))
    d.close(linger=500)
    s.close(linger=0)
    ctx.term()
    return 0 if done else 1


def cmd_check_capture(path, nation, policy):
    c = Checker(policy)
    msgs = read_capture(path)
    for i, (tag, m) in enumerate(msgs):
        where = "%s message %d" % ({"d": "DEALER", "s": "PUB"}.get(tag, "PUB"), i)
        c.envelope(m, where, only=nation)
        if tag == "s" and text(one(m, 6, b"")):
            c.fail("%s: a message for %s on the PUB" % (where, text(one(m, 6))))
    print("%s: %d messages" % (os.path.basename(path), len(msgs)))
    return c.report(os.path.basename(path))


def cmd_check_log(path, policy):
    c = Checker(policy)
    _, frames = read_frames(open(path, "rb").read())
    for off, env in frames:
        c.envelope(env, "record at offset %d" % off)
    print("%s: %d records" % (os.path.basename(path), len(frames)))
    return c.report(os.path.basename(path))


def main(argv):
    try:
        if argv[1] == "capture" and len(argv) == 5:
            return cmd_capture(argv[2], argv[3], float(argv[4]))
        if argv[1] == "play" and len(argv) == 7:
            return cmd_play(argv[2], argv[3], argv[4], argv[5], float(argv[6]))
        if argv[1] == "check-capture" and len(argv) == 5:
            return cmd_check_capture(argv[2], argv[3], argv[4])
        if argv[1] == "check-log" and len(argv) == 4:
            return cmd_check_log(argv[2], argv[3])
    except IndexError:
        pass
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
