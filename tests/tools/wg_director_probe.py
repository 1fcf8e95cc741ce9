#!/usr/bin/env python3
"""wg_director_probe.py - a role that tries to direct, for
tests/integration/director.sh. Written from docs/PROTOCOL.md ("The
director") with pyzmq and the protobuf classes protoc makes of
proto/wg.proto.

    wg_director_probe.py ROUTER PUB SERVER_PUB KEY NATION
        connects with KEY (NATION's seat key), waits for a broadcast, joins
        as NATION, then sends a DirectorCommand (pause) as NATION and one
        claiming ROLE_DIRECTOR, and prints each reply on the DEALER:
        "welcome" or "error ERROR_... <detail>". Then it leaves (a Forfeit
        that leaves), so NATION's fallback plays on.

Needs wg_pb2 on PYTHONPATH (protoc --python_out) and python3-zmq.
"""
import sys

import zmq
import zmq.auth

import wg_pb2 as pb


def sockets(router, pub, server_pub, key):
    server_public, _ = zmq.auth.load_certificate(server_pub)
    public, secret = zmq.auth.load_certificate(key)
    ctx = zmq.Context()
    out = []
    for kind, endpoint in ((zmq.DEALER, router), (zmq.SUB, pub)):
        s = ctx.socket(kind)
        s.curve_publickey = public
        s.curve_secretkey = secret
        s.curve_serverkey = server_public
        s.linger = 0
        if kind == zmq.SUB:
            s.setsockopt(zmq.SUBSCRIBE, b"")
        s.connect(endpoint)
        out.append(s)
    return out


def reply_of(dealer):
    """The next reply on the DEALER that is not a Beacon, as a line."""
    while dealer.poll(5000):
        reply = pb.Envelope.FromString(dealer.recv())
        kind = reply.WhichOneof("payload")
        if kind not in ("welcome", "error"):
            continue  # a Beacon, a late joiner's phase start
        if kind == "error":
            return "error %s %s" % (pb.ErrorCode.Name(reply.error.code),
                                    reply.error.detail)
        return kind
    return "no reply in 5 s"


def main(argv):
    if len(argv) != 6:
        print(__doc__, file=sys.stderr)
        return 2
    router, pub, server_pub, key, nation = argv[1:6]
    dealer, sub = sockets(router, pub, server_pub, key)
    if not sub.poll(5000):
        print("no broadcast in 5 s")
        return 1
    me = dict(sender_role=pb.ROLE_CONTINGENT, sender_nation=nation)
    pause = pb.DirectorCommand(action=pb.DIRECTOR_PAUSE)
    sends = [
        pb.Envelope(**me, phase=pb.PHASE_LOBBY, join=pb.Join(agent="probe")),
        pb.Envelope(**me, director=pause),
        pb.Envelope(sender_role=pb.ROLE_DIRECTOR, director=pause),
    ]
    for env in sends:
        dealer.send(env.SerializeToString())
        print(reply_of(dealer), flush=True)
    leave = pb.Envelope(**me, forfeit=pb.Forfeit(reason="disconnected",
                                                 leaving=True))
    dealer.send(leave.SerializeToString())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
