#!/usr/bin/env python3
"""wg_log_reader_doc.py - an outsider's reader of a wg exercise log, written
from docs/LOG-FORMAT.md alone (and the field numbers of proto/wg.proto and
proto/log.proto), with nothing but Python's standard library: no protobuf
runtime, no wg code. It is the proof that the page is enough
(tests/integration/log_reader_doc.sh compares what it finds with wg-log).

    wg_log_reader_doc.py [--allow-unfinished] [--digests FILE] [--pb DIR] LOG

Checks, in the page's order: the preamble (magic, format version 2 or 3,
header length, header CRC-32C), the header (format_version as in the
preamble, scenario_hash the SHA-256 of scenario_text, a format-3 header's
rules_version not 0), every frame (length 1 to 1 MiB, CRC-32C over the
length bytes then the payload; a torn tail or a corrupt frame named by its
offset), every record's seq (1, 2, 3, ... without a gap, 0 exactly on
Error replies and Refusals records), nothing after the ExerciseEnd, and the
hash chain ("The seal": format 3 over every record, each TurnResult's
chain the link before it; format 2 per turn over the records with a seq).

Prints one line:
    format F, rules R, N records (E error replies and refusals), T turns,
    final link HEX
and exits 0; or "FAIL: ..." naming the first record that fails (its index
from 0, offset, turn, seq) and exits 1; 2 when LOG cannot be read at all.
--digests FILE writes each record's SHA-256 (hex), one a line. --pb DIR:
DIR holds wg_pb2.py and log_pb2.py (protoc --python_out=DIR -I proto
proto/wg.proto proto/log.proto) and python3-protobuf is there: every
payload must then decode whole as a wgpb.v1.Envelope, nested messages
included, and the header as a LogHeader, as the page's "not an Envelope"
means; without it only the top level's wire format is read.
"""
import hashlib
import os
import struct
import sys

MAGIC = b"\x89WGL\r\n\x1a\n"
MAX_RECORD = 1 << 20
MAX_HEADER = 64 << 20

# Field numbers (proto/wg.proto, proto/log.proto).
ENV_TURN, ENV_SEQ = 3, 5
ENV_RESULT, ENV_ERROR, ENV_END, ENV_REFUSALS = 19, 20, 21, 25
RESULT_STATE_DIGEST, RESULT_CHAIN = 14, 15
HDR_FORMAT, HDR_HASH, HDR_TEXT, HDR_SEED, HDR_RULES = 1, 4, 5, 6, 9


def payload_names(proto="proto/wg.proto"):
    """The numbers and names of the Envelope's oneof payload, as proto/wg.proto
    declares them (read from its text next to this file's tree): a payload
    the proto gains is read with no edit here."""
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "..", "..", proto), encoding="utf-8") as f:
        lines = f.read().split("\n")
    start = lines.index("message Envelope {")
    names, inside = {}, False
    for line in lines[start:]:
        words = line.split()
        if words[:2] == ["oneof", "payload"]:
            inside = True
        elif inside and words and words[0] == "}":
            return names
        elif inside and len(words) >= 4 and words[2] == "=":
            names[int(words[3].rstrip(";"))] = words[1]
    raise SystemExit("%s: no Envelope payload oneof" % proto)


PAYLOAD_NAMES = payload_names()
ENV_PAYLOADS = set(PAYLOAD_NAMES)  # the oneof payload's numbers


class Bad(Exception):
    """The log fails a check (exit 1)."""


def _crc_table():
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ (0x82F63B78 if c & 1 else 0)
        table.append(c)
    return table


_TABLE = _crc_table()


def crc32c(data, crc=0):
    crc ^= 0xFFFFFFFF
    for b in data:
        crc = (crc >> 8) ^ _TABLE[(crc ^ b) & 0xFF]
    return crc ^ 0xFFFFFFFF


def varint(buf, pos):
    value, shift = 0, 0
    while True:
        if pos >= len(buf) or shift > 63:
            raise ValueError("a varint runs past its message")
        b = buf[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return value, pos


def fields(buf):
    """The protobuf fields of buf: a list of (number, wire type, value);
    value an int for varints and fixed ones, bytes for length-delimited."""
    out, pos = [], 0
    while pos < len(buf):
        key, pos = varint(buf, pos)
        num, wt = key >> 3, key & 7
        if num == 0:
            raise ValueError("field number 0")
        if wt == 0:
            v, pos = varint(buf, pos)
        elif wt == 1:
            if pos + 8 > len(buf):
                raise ValueError("a fixed64 runs past its message")
            v, pos = struct.unpack_from("<Q", buf, pos)[0], pos + 8
        elif wt == 2:
            n, pos = varint(buf, pos)
            if pos + n > len(buf):
                raise ValueError("a length runs past its message")
            v, pos = buf[pos:pos + n], pos + n
        elif wt == 5:
            if pos + 4 > len(buf):
                raise ValueError("a fixed32 runs past its message")
            v, pos = struct.unpack_from("<I", buf, pos)[0], pos + 4
        else:
            raise ValueError("wire type %d" % wt)
        out.append((num, wt, v))
    return out


def last(fs, num, default):
    """The last occurrence of a field wins (protobuf's rule)."""
    v = default
    for n, _, val in fs:
        if n == num:
            v = val
    return v


def read_header(data):
    if len(data) < 8 or data[:8] != MAGIC:
        raise Bad("not a wg log (bad magic)")
    if len(data) < 20:
        raise Bad("torn tail: the file ends inside the preamble")
    version, hlen, hcrc = struct.unpack_from("<III", data, 8)
    if version not in (2, 3):
        raise Bad("unsupported format version %d" % version)
    if hlen > MAX_HEADER:
        raise Bad("header length %d: corrupt" % hlen)
    if len(data) < 20 + hlen:
        raise Bad("torn tail: the file ends inside the header")
    hb = data[20:20 + hlen]
    if crc32c(hb) != hcrc:
        raise Bad("header CRC mismatch")
    try:
        hf = fields(hb)
    except ValueError as e:
        raise Bad("the header is not a LogHeader: %s" % e)
    h = {"version": version,
         "format": last(hf, HDR_FORMAT, 0),
         "hash": last(hf, HDR_HASH, b""),
         "text": last(hf, HDR_TEXT, b""),
         "seed": last(hf, HDR_SEED, 0),
         "rules": last(hf, HDR_RULES, 0)}
    if h["format"] != version:
        raise Bad("header format_version %d, preamble %d" % (h["format"], version))
    if hashlib.sha256(h["text"]).digest() != h["hash"]:
        raise Bad("scenario_hash is not the SHA-256 of scenario_text")
    if version == 3 and h["rules"] == 0:
        raise Bad("a format-3 header without rules_version")
    if version == 2:
        h["rules"] = 1  # format 2: rules 1
    return h, 20 + hlen


def good_frame_after(data, start):
    """Whether a whole frame passing its CRC starts anywhere from start."""
    for off in range(start, len(data) - 8):
        n, crc = struct.unpack_from("<II", data, off)
        if 1 <= n <= MAX_RECORD and off + 8 + n <= len(data) and \
                crc32c(data[off + 8:off + 8 + n], crc32c(data[off:off + 4])) == crc:
            return True
    return False


def frames(data, off):
    """Yields (offset, payload) of each whole frame; raises Bad on a torn
    tail or a corrupt frame (page: "Torn tail or corruption")."""
    index = 0
    while off < len(data):
        rest = len(data) - off
        where = "record #%d at offset %d" % (index, off)
        if rest < 8:
            raise Bad("torn tail at offset %d" % off)
        n, crc = struct.unpack_from("<II", data, off)
        if not any(data[off:]):
            raise Bad("torn tail at offset %d (zeros to the end)" % off)
        if n == 0 or n > MAX_RECORD:
            raise Bad("corrupt %s: length %d" % (where, n))
        if off + 8 + n > len(data):
            if good_frame_after(data, off + 8):
                raise Bad("corrupt %s: its length reaches past a good frame" % where)
            raise Bad("torn tail at offset %d" % off)
        payload = data[off + 8:off + 8 + n]
        if crc32c(payload, crc32c(data[off:off + 4])) != crc:
            raise Bad("corrupt %s: CRC mismatch" % where)
        yield off, payload
        off += 8 + n
        index += 1


def genesis(h):
    if h["version"] == 2:
        return hashlib.sha256(b"wg chain v1" + h["hash"] +
                              h["seed"].to_bytes(8, "little")).digest()
    return hashlib.sha256(b"wg chain v3" + h["hash"] +
                          h["seed"].to_bytes(8, "little") +
                          h["rules"].to_bytes(4, "little")).digest()


def schema_check(pb, cls, buf, what):
    """Raises Bad unless buf decodes whole as pb's message class cls."""
    if pb is None:
        return
    try:
        getattr(pb, cls).FromString(buf)
    except Exception as e:  # protobuf's DecodeError, and what it wraps
        raise Bad("%s: not a wgpb.v1.%s (%s)" % (what, cls, e))


def walk(path, allow_unfinished, digest_out, pbs):
    data = open(path, "rb").read()
    h, off = read_header(data)
    schema_check(pbs[1], "LogHeader", data[20:off], "the header")
    link = genesis(h)
    turn_digests = b""  # format 2: the digests of the turn's records
    want_seq, records, errors, turns, ended = 1, 0, 0, 0, False
    for off, p in frames(data, off):
        d = hashlib.sha256(p).digest()
        if digest_out is not None:
            digest_out.append(d.hex())
        try:
            ef = fields(p)
            kinds = [n for n, wt, _ in ef if n in ENV_PAYLOADS and wt == 2]
        except ValueError as e:
            raise Bad("record #%d at offset %d: not an Envelope: %s" % (records, off, e))
        schema_check(pbs[0], "Envelope", p, "record #%d at offset %d" % (records, off))
        kind = kinds[-1] if kinds else None
        turn, seq = last(ef, ENV_TURN, 0), last(ef, ENV_SEQ, 0)
        where = "record #%d at offset %d (turn %d, seq %d, %s)" % (
            records, off, turn, seq, PAYLOAD_NAMES.get(kind, "no payload"))
        if kind is None:
            raise Bad("%s: no payload" % where)
        if ended:
            raise Bad("%s: after the ExerciseEnd" % where)
        outside = kind in (ENV_ERROR, ENV_REFUSALS)
        if outside:
            errors += 1
            if seq != 0:
                raise Bad("%s: an Error or Refusals record with a seq" % where)
        elif seq != want_seq:
            raise Bad("%s: seq %d, wanted %d" % (where, seq, want_seq))
        else:
            want_seq += 1
        if kind == ENV_RESULT:
            turns += 1
            rf = fields(last(ef, ENV_RESULT, b""))
            chain = last(rf, RESULT_CHAIN, b"")
            if h["version"] == 2:
                link = hashlib.sha256(link + hashlib.sha256(turn_digests).digest() +
                                      last(rf, RESULT_STATE_DIGEST, b"")).digest()
                turn_digests = b""
            if chain != link:
                raise Bad("%s: hash chain breaks at turn %d" % (where, turn))
        elif h["version"] == 2 and not outside:
            turn_digests += d
        if h["version"] == 3:
            link = hashlib.sha256(link + d).digest()
        ended = ended or kind == ENV_END
        records += 1
    if not ended and not allow_unfinished:
        raise Bad("no ExerciseEnd: the exercise did not finish")
    print("format %d, rules %d, %d records (%d error replies and refusals), "
          "%d turns, final link %s" % (h["version"], h["rules"], records,
                                       errors, turns, link.hex()))


def main(argv):
    allow, digests_path, pb_dir, args = False, None, None, []
    i = 0
    while i < len(argv):
        if argv[i] == "--allow-unfinished":
            allow = True
        elif argv[i] == "--digests" and i + 1 < len(argv):
            digests_path = argv[i + 1]
            i += 1
        elif argv[i] == "--pb" and i + 1 < len(argv):
            pb_dir = argv[i + 1]
            i += 1
        else:
            args.append(argv[i])
        i += 1
    if len(args) != 1:
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    digests = [] if digests_path else None
    pbs = (None, None)
    if pb_dir is not None:
        sys.path.insert(0, pb_dir)
        try:
            import wg_pb2
            import log_pb2
        except ImportError as e:
            print("--pb %s: %s" % (pb_dir, e), file=sys.stderr)
            return 2
        pbs = (wg_pb2, log_pb2)
    try:
        walk(args[0], allow, digests, pbs)
    except OSError as e:
        print("%s: %s" % (args[0], e), file=sys.stderr)
        return 2
    except Bad as e:
        print("FAIL: %s" % e)
        return 1
    finally:
        if digests_path and digests is not None:
            with open(digests_path, "w") as f:
                f.writelines(x + "\n" for x in digests)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
