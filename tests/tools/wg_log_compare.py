#!/usr/bin/env python3
"""wg_log_compare.py - are two exercise logs the same bytes after their
headers (docs/LOG-FORMAT.md, "The order of records")?

    wg_log_compare.py A B

The header holds metadata (the start time, the scenario path, the writer)
that differs from run to run; everything after it is the exercise. Reads
both logs with wg_chain_check.py's reader (frames, CRCs) and compares them
record by record.

Prints "same: N records, B bytes after the header" and exits 0 when every
byte after the headers is the same; else prints the first record that
differs ("first difference: record I, turn T") and "turns before T:
identical" when that holds, and exits 1. Exit 2: a file that is not a
whole log.
"""

import sys

import wg_chain_check as wcc


def records(path):
    with open(path, "rb") as f:
        data = f.read()
    header, frames = wcc.read_frames(data)
    return data[20 + len(header):], [p for _, p in frames]


def turn_of(payload):
    for n, w, v in wcc.fields(payload):
        if n == wcc.ENV_TURN and w == 0:
            return v
    return 0


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        tail_a, a = records(argv[1])
        tail_b, b = records(argv[2])
    except (OSError, wcc.Bad) as e:
        print("wg_log_compare: %s" % e, file=sys.stderr)
        return 2
    if tail_a == tail_b:
        print("same: %d records, %d bytes after the header"
              % (len(a), len(tail_a)))
        return 0
    i = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y),
             min(len(a), len(b)))
    rec = a[i] if i < len(a) else b[i]
    turn = turn_of(rec)
    print("first difference: record %d, turn %d (%d and %d records)"
          % (i, turn, len(a), len(b)))
    if all(x == y for x, y in zip(a[:i], b[:i])):
        print("turns before %d: identical" % turn)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
