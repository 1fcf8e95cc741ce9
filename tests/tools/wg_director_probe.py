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

Needs wg_pb2 on PYTHONPATH (protoc --python_out) and python3-zmq; the
sockets, claims and reply lines are wg_seat_client.py's (beside it).
"""
import sys

import wg_pb2 as pb
from wg_seat_client import claim_of, heard, reply_line, sockets


def reply_of(dealer):
    """The next reply on the DEALER that is not a Beacon, as a line."""
    while dealer.poll(5000):
        reply = pb.Envelope.FromString(dealer.recv())
        if reply.WhichOneof("payload") in ("welcome", "error"):
            return reply_line(reply)
        # else a Beacon, a late joiner's phase start
    return "no reply in 5 s"


def main(argv):
    if len(argv) != 6:
        print(__doc__, file=sys.stderr)
        return 2
    router, pub, server_pub, key, nation = argv[1:6]
    dealer, sub = sockets(router, pub, server_pub, key)
    if not heard(sub):
        return 1
    me = claim_of(nation)
    pause = pb.DirectorCommand(action=pb.DIRECTOR_PAUSE)
    sends = [
        pb.Envelope(**me, phase=pb.PHASE_LOBBY, join=pb.Join(agent="probe")),
        pb.Envelope(**me, director=pause),
        pb.Envelope(**claim_of("director"), director=pause),
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
