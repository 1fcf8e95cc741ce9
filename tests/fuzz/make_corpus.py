#!/usr/bin/env python3
"""make_corpus.py - makes the seed corpus of tests/fuzz/ (corpus/<target>/)
from real files of the tree: the golden log (tests/data/golden/), the test
scenarios (tests/data/), the configs (configs/) and the orders the tests
write. Run from anywhere; it replaces the files it makes and leaves the
others (inputs a fuzzer found and someone checked in) alone. Small on
purpose: tens of KB in all, since a fuzzer mutates the seeds, and a big one
slows every execution."""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
GOLDEN = os.path.join(ROOT, "tests/data/golden/short-v2.wglog")

# The Envelope payloads a worker sends (proto/wg.proto, oneof payload).
INBOUND = {10: "join", 13: "requirement", 14: "pledge", 15: "assignment",
           16: "rotation", 17: "response", 18: "decision", 23: "forfeit",
           24: "intention"}


def put(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def varint(b, i):
    v = shift = 0
    while True:
        c = b[i]
        i += 1
        v |= (c & 0x7F) << shift
        shift += 7
        if c < 0x80:
            return v, i


def payload_field(rec):
    """The number of the envelope's payload field (10 and up), or 0."""
    i = 0
    while i < len(rec):
        key, i = varint(rec, i)
        num, wt = key >> 3, key & 7
        if wt == 0:
            _, i = varint(rec, i)
        elif wt == 2:
            n, i = varint(rec, i)
            i += n
        else:
            return 0
        if num >= 10:
            return num
    return 0


def frames(log):
    """The header's bytes (preamble and LogHeader) and each frame."""
    hlen = struct.unpack_from("<I", log, 12)[0]
    off = 20 + hlen
    out = []
    while off + 8 <= len(log):
        n = struct.unpack_from("<I", log, off)[0]
        out.append(log[off:off + 8 + n])
        off += 8 + n
    return log[:20 + hlen], out


def key(num, wt):
    return bytes([num << 3 | wt]) if num < 16 else bytes(
        [(num << 3 | wt) & 0x7F | 0x80, (num << 3 | wt) >> 7])


def string(num, s):
    s = s.encode()
    return key(num, 2) + bytes([len(s)]) + s


def envelopes(recs):
    seen = {}
    for fr in recs:
        rec = fr[8:]
        num = payload_field(rec)
        if num in INBOUND and seen.get(num, 0) < 2:
            seen[num] = seen.get(num, 0) + 1
            put("envelope", "%s-%d" % (INBOUND[num], seen[num]), rec)
    # A forfeit, which the golden exercise never sent: FRA, turn 1, pledge.
    forfeit = string(1, "bot crashed") + key(2, 0) + b"\x01"
    env = (key(1, 0) + b"\x03" + string(2, "FRA") + key(3, 0) + b"\x01" +
           key(4, 0) + b"\x03" + key(23, 2) + bytes([len(forfeit)]) + forfeit)
    put("envelope", "forfeit-1", env)


def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 & -(crc & 1))
    return crc ^ 0xFFFFFFFF


def small_header(head):
    """The header with its scenario text (field 5) cut to its first lines:
    the reader never parses it, and 14 KB of it would be most of a seed."""
    body, i, out = head[20:], 0, b""
    while i < len(body):
        start = i
        k, i = varint(body, i)
        if k & 7 == 0:
            _, i = varint(body, i)
        else:
            n, i = varint(body, i)
            i += n
        if k >> 3 == 5:
            text = b"name: cut\n# the rest is left out\n"
            out += key(5, 2) + bytes([len(text)]) + text
        else:
            out += body[start:i]
    return head[:12] + struct.pack("<II", len(out), crc32c(out)) + out


def logs(log):
    head, recs = frames(log)
    head = small_header(head)
    # The start of the exercise: the header, the joins and the first turn
    # (the nine Welcomes with their pictures would make it ten times more).
    small = [fr for fr in recs if payload_field(fr[8:]) != 11][:24]
    whole = head + b"".join(small)
    put("log_reader", "first-turn.wglog", whole)
    put("log_reader", "torn.wglog", whole[:-5])
    flipped = bytearray(whole)
    flipped[len(head) + 8 + len(small[0]) + 12] ^= 0x20
    put("log_reader", "corrupt.wglog", bytes(flipped))
    put("log_reader", "header-only.wglog", head)


def copy(target, src, name=None, edit=None):
    with open(os.path.join(ROOT, src), "rb") as f:
        data = f.read()
    if edit:
        data = edit(data)
    put(target, name or os.path.basename(src), data)


def scenarios():
    copy("scenario", "tests/data/short.yaml")
    for bad in ("syntax", "wrong_type", "unknown_key", "too_many_events",
                "unknown_incident"):
        copy("scenario", "tests/data/bad/%s.yaml" % bad)


def exercises():
    # The fuzz target puts short.yaml beside the file as scenario.yaml and
    # keys in keys/ (adjudicator, k1 ... k10).
    def local(data):
        return data.replace(b"../scenarios/default.yaml", b"scenario.yaml")
    copy("exercise", "configs/exercises/loopback.yaml", "loopback.yaml", local)
    nations = ["FRA", "GBR", "DEU", "ITA", "POL", "TUR", "ESP", "NLD"]
    lines = ["scenario: scenario.yaml", "router: tcp://192.0.2.1:5555",
             "pub: tcp://192.0.2.1:5556",
             "adjudicator_key: keys/adjudicator.pub",
             "second_connection: refuse", "absent: wait", "seats:"]
    for i, n in enumerate(nations):
        player = ["bot", "program", "human"][i % 3]
        lines.append("  - {role: %s, player: %s, key: keys/k%d.pub}" %
                     (n, player, i + 1))
    lines.append("  - {role: command, player: human, key: keys/k9.pub}")
    lines.append("  - {role: observer, name: press, key: keys/k10.pub}")
    put("exercise", "keys.yaml", ("\n".join(lines) + "\n").encode())


def orders():
    put("orders", "fork.yaml", b"""# what if FRA had pledged more and held its fire
- turn: 1
  pledge: {troops: 3000, sectors: [E1, S2]}
- turn: 2
  rotation: {prepare: 2, relieve: due}
- turn: 3
  response: hold
- turn: 3
  decision: {reinforce: [E2], robust_roe: false, recommit: true}
- turn: 8
  rotation:
    relieve: none
    prepare: 5
""")
    put("orders", "withdraw.yaml", b"""- {turn: 4, response: withdraw}
- {turn: 5, response: de_escalate}
- {turn: 6, response: return_fire}
- turn: 7
  pledge:
    troops: 4294967295
    sectors: [R]
- turn: 13
  intention: {reduce: 4000}
- turn: 14
  intention: leave
""")


def main():
    with open(GOLDEN, "rb") as f:
        log = f.read()
    envelopes(frames(log)[1])
    logs(log)
    scenarios()
    exercises()
    orders()


main()
