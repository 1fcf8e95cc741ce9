#!/usr/bin/env python3
"""wg_chain_check.py - an independent check of an exercise log's hash chain.

    wg_chain_check.py [--quiet] [--allow-unfinished] LOG...

Written from docs/LOG-FORMAT.md (and the field numbers of proto/wg.proto and
proto/log.proto) alone: nothing here comes from wg's C code, and nothing
but the Python standard library is used (hashlib for SHA-256, a table
CRC-32C, and a hand-written reader of the protobuf wire format, so no
generated classes and no protoc are needed).

For each LOG it checks:
  * the preamble (magic, format version 3 or 2, header length, header
    CRC-32C);
  * the LogHeader: scenario_hash is 32 bytes and is the SHA-256 of
    scenario_text; a format-3 header says its rules_version (not 0);
  * every frame: length in 1..1 MiB, CRC-32C over the length field and the
    payload, and the file ends on a frame boundary (no torn tail);
  * every payload is a well-formed protobuf message (an Envelope);
  * seq: 0 exactly on Error replies and Refusals records, and on every
    other record one more than on the record before it, from 1;
  * nothing follows the ExerciseEnd;
  * the hash chain. Format 3 ("The seal"): link_0 = SHA-256("wg chain v3"
    || scenario_hash || seed (u64 LE) || rules_version (u32 LE)), then
    link_i = SHA-256(link_{i-1} || SHA-256(r_i)) over every record r_i
    with its full bytes, Error replies and Refusals records too; each
    TurnResult's `chain` must equal the link over the records before it.
    The last link (printed) is what `wg-log sign` signs.
    Format 2: link_0 from "wg chain v1", the header's scenario hash and
    seed; at each TurnResult, link_t = SHA-256(link_{t-1} ||
    SHA-256(SHA-256(r_1) || ... || SHA-256(r_k)) || state_digest_t), over
    the payloads r_i of the records with seq != 0 since the previous
    TurnResult, must equal the TurnResult's `chain`;
  * TurnResults come for turns 1, 2, 3, ... in order, and the log ends with
    an ExerciseEnd after the last of them (unless --allow-unfinished: the
    log of an exercise that was stopped).

Prints one line per log; exit status 0 if every log passed, 1 if one did
not (the line says what and where: the first broken turn for the chain),
2 on bad usage or an unreadable file.
"""

import hashlib
import os
import re
import struct
import sys

MAGIC = b"\x89WGL\r\n\x1a\n"
FORMAT_VERSIONS = (2, 3)
MAX_HEADER = 64 << 20
MAX_RECORD = 1 << 20

# Field numbers (proto/wg.proto, proto/log.proto).
HDR_FORMAT_VERSION, HDR_SCENARIO_HASH, HDR_SCENARIO_TEXT, HDR_SEED = 1, 4, 5, 6
HDR_RULES_VERSION = 9
ENV_TURN, ENV_SEQ = 3, 5


def envelope_payloads():
    """The Envelope's payload oneof, number -> name, read from
    proto/wg.proto's text (the source of truth), so that a payload added
    there is known here without an edit."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        "..", "..", "proto", "wg.proto")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    env = re.search(r"^message Envelope \{(.*?)^\}", text, re.S | re.M)
    oneof = re.search(r"oneof payload \{(.*?)\}", env.group(1), re.S)
    return {int(num): name for name, num in
            re.findall(r"^\s*\w+ (\w+) = (\d+);", oneof.group(1), re.M)}


ENV_PAYLOADS = envelope_payloads()
RESULT_STATE_DIGEST, RESULT_CHAIN = 14, 15


def _crc_table():
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ (0x82F63B78 if c & 1 else 0)
        table.append(c)
    return table


_T = _crc_table()


def crc32c(data, crc=0):
    crc ^= 0xFFFFFFFF
    t = _T
    for b in data:
        crc = (crc >> 8) ^ t[(crc ^ b) & 0xFF]
    return crc ^ 0xFFFFFFFF


assert crc32c(b"123456789") == 0xE3069283
assert crc32c(bytes(32)) == 0x8A9136AA


class Bad(Exception):
    """The log fails a check; the message says which."""


def varint(buf, pos):
    """Decodes a base-128 varint at pos; returns (value, next pos)."""
    value = shift = 0
    while True:
        if pos >= len(buf):
            raise Bad("varint runs past the end of its message")
        b = buf[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        if not b & 0x80:
            return value, pos
        shift += 7
        if shift >= 70:
            raise Bad("varint longer than 10 bytes")


def fields(buf):
    """Yields (field number, wire type, value) of a protobuf message: an
    int for varints and fixed-size fields, bytes for length-delimited ones.
    Raises Bad if the bytes are not a well-formed message."""
    pos = 0
    while pos < len(buf):
        key, pos = varint(buf, pos)
        number, wire = key >> 3, key & 7
        if number == 0:
            raise Bad("field number 0")
        if wire == 0:
            value, pos = varint(buf, pos)
        elif wire == 1:
            if pos + 8 > len(buf):
                raise Bad("fixed64 runs past the end")
            value = struct.unpack_from("<Q", buf, pos)[0]
            pos += 8
        elif wire == 2:
            n, pos = varint(buf, pos)
            if pos + n > len(buf):
                raise Bad("length-delimited field %d runs past the end" % number)
            value = buf[pos:pos + n]
            pos += n
        elif wire == 5:
            if pos + 4 > len(buf):
                raise Bad("fixed32 runs past the end")
            value = struct.unpack_from("<I", buf, pos)[0]
            pos += 4
        else:
            raise Bad("wire type %d (groups are not used)" % wire)
        yield number, wire, value


def last_field(buf, number, wire):
    """The last value of a singular field (protobuf's rule), or None."""
    found = None
    for n, w, v in fields(buf):
        if n == number:
            if w != wire:
                raise Bad("field %d has wire type %d, wanted %d" % (n, w, wire))
            found = v
    return found


def read_frames(data):
    """Checks the preamble and header; returns (header bytes, [(offset,
    payload)]). Raises Bad for anything that is not a whole, clean log."""
    if data[:8] != MAGIC:
        raise Bad("bad magic: not a wg log")
    if len(data) < 20:
        raise Bad("the file ends inside the preamble")
    version, hlen, hcrc = struct.unpack_from("<III", data, 8)
    if version not in FORMAT_VERSIONS:
        raise Bad("format version %d, this checker reads %s"
                  % (version, FORMAT_VERSIONS))
    if hlen > MAX_HEADER:
        raise Bad("header length %d" % hlen)
    if len(data) < 20 + hlen:
        raise Bad("the file ends inside the header")
    header = data[20:20 + hlen]
    if crc32c(header) != hcrc:
        raise Bad("header CRC mismatch")
    frames = []
    off = 20 + hlen
    while off < len(data):
        if len(data) - off < 8:
            raise Bad("torn tail at offset %d: %d bytes, less than a frame "
                      "header" % (off, len(data) - off))
        length, crc = struct.unpack_from("<II", data, off)
        if length == 0 or length > MAX_RECORD:
            raise Bad("frame %d at offset %d: length %d out of range"
                      % (len(frames), off, length))
        if off + 8 + length > len(data):
            raise Bad("torn tail at offset %d: frame %d of %d bytes runs past "
                      "the end of the file" % (off, len(frames), length))
        payload = data[off + 8:off + 8 + length]
        if crc32c(payload, crc32c(data[off:off + 4])) != crc:
            raise Bad("frame %d at offset %d: CRC mismatch" % (len(frames), off))
        frames.append((off, payload))
        off += 8 + length
    return header, frames


def check_log(path, allow_unfinished):
    """Returns a one-line summary; raises Bad if the log fails a check."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise OSError("%s: %s" % (path, e.strerror))
    header, frames = read_frames(data)

    version = struct.unpack_from("<I", data, 8)[0]
    hv = last_field(header, HDR_FORMAT_VERSION, 0)
    if hv != version:
        raise Bad("header format_version %r, the preamble says %d"
                  % (hv, version))
    scenario_hash = last_field(header, HDR_SCENARIO_HASH, 2)
    scenario_text = last_field(header, HDR_SCENARIO_TEXT, 2) or b""
    seed = last_field(header, HDR_SEED, 0) or 0
    if scenario_hash is None or len(scenario_hash) != 32:
        raise Bad("header scenario_hash is not 32 bytes")
    if hashlib.sha256(scenario_text).digest() != scenario_hash:
        raise Bad("header scenario_hash is not the SHA-256 of its "
                  "scenario_text")

    if version >= 3:
        rules = last_field(header, HDR_RULES_VERSION, 0) or 0
        if rules == 0:
            raise Bad("a format-3 header without its rules_version")
        link = hashlib.sha256(b"wg chain v3" + scenario_hash +
                              seed.to_bytes(8, "little") +
                              rules.to_bytes(4, "little")).digest()
    else:
        link = hashlib.sha256(b"wg chain v1" + scenario_hash +
                              seed.to_bytes(8, "little")).digest()
    digests = []            # format 2: of each chained record since the last result
    expect_seq = 1
    turns = errors = 0
    ended = False
    for index, (off, payload) in enumerate(frames):
        where = "record %d at offset %d" % (index, off)
        try:
            seq = turn = 0
            kind = None
            body = None
            for n, w, v in fields(payload):
                if n == ENV_SEQ and w == 0:
                    seq = v
                elif n == ENV_TURN and w == 0:
                    turn = v
                elif n in ENV_PAYLOADS and w == 2:
                    kind, body = ENV_PAYLOADS[n], v
        except Bad as e:
            raise Bad("%s: not an Envelope: %s" % (where, e))
        if kind is None:
            raise Bad("%s: an Envelope without a payload" % where)
        if ended:
            raise Bad("%s: a %s after the ExerciseEnd" % (where, kind))
        if kind in ("beacon", "director_status"):
            raise Bad("%s: a %s (never recorded)" % (where, kind))
        before = link       # format 3: the link over the records before it
        if version >= 3:
            link = hashlib.sha256(link +
                                  hashlib.sha256(payload).digest()).digest()
        if kind in ("error", "refusals"):
            if seq != 0:
                raise Bad("%s: an %s record with seq %d, wanted 0"
                          % (where, kind, seq))
            errors += 1
            continue        # outside the total order (and format 2's chain)
        if seq != expect_seq:
            raise Bad("%s (%s): seq %d, wanted %d"
                      % (where, kind, seq, expect_seq))
        expect_seq += 1
        if kind == "end":
            ended = True
        if kind != "result":
            digests.append(hashlib.sha256(payload).digest())
            continue
        try:
            state_digest = last_field(body, RESULT_STATE_DIGEST, 2)
            chain = last_field(body, RESULT_CHAIN, 2)
        except Bad as e:
            raise Bad("%s: TurnResult: %s" % (where, e))
        turns += 1
        if turn != turns:
            raise Bad("%s: TurnResult for turn %d, wanted turn %d"
                      % (where, turn, turns))
        if state_digest is None or len(state_digest) != 32:
            raise Bad("turn %d: state_digest is not 32 bytes" % turn)
        if chain is None or len(chain) != 32:
            raise Bad("turn %d: no 32-byte chain link" % turn)
        if version >= 3:
            want = before
        else:
            link = want = hashlib.sha256(
                link + hashlib.sha256(b"".join(digests)).digest() +
                state_digest).digest()
            digests = []
        if want != chain:
            raise Bad("hash chain breaks at turn %d (%s): recorded %s, "
                      "recomputed %s" % (turn, where, chain.hex(),
                                         want.hex()))
    if not ended and not allow_unfinished:
        raise Bad("no ExerciseEnd: the exercise did not finish (%d turns)"
                  % turns)
    if turns == 0:
        raise Bad("no TurnResult: no chain link to check")
    return ("format %d, %d records (%d error replies and refusals), %d turns, "
            "chain ok%s; last link %s"
            % (version, len(frames), errors, turns,
               "" if ended else ", unfinished", link.hex()))


def main(argv):
    quiet = allow_unfinished = False
    paths = []
    for a in argv[1:]:
        if a == "--quiet":
            quiet = True
        elif a == "--allow-unfinished":
            allow_unfinished = True
        elif a in ("-h", "--help"):
            print(__doc__.strip())
            return 0
        elif a.startswith("-"):
            print("wg_chain_check: unknown option %s" % a, file=sys.stderr)
            return 2
        else:
            paths.append(a)
    if not paths:
        print("usage: wg_chain_check.py [--quiet] [--allow-unfinished] LOG...",
              file=sys.stderr)
        return 2
    status = 0
    for path in paths:
        try:
            line = check_log(path, allow_unfinished)
            if not quiet:
                print("%s: %s" % (path, line))
        except Bad as e:
            print("%s: FAIL: %s" % (path, e))
            status = max(status, 1)
        except OSError as e:
            print("wg_chain_check: %s" % e, file=sys.stderr)
            status = 2
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
