#!/usr/bin/env python3
"""wg_seat_probe.py - an outsider at an exercise with keys, for
tests/integration/seats.sh. Written from docs/PROTOCOL.md ("Seats and
keys") with pyzmq and the protobuf classes protoc makes of proto/wg.proto.

    wg_seat_probe.py stranger ROUTER PUB SERVER_PUB KEY
        connects a DEALER and a SUB with KEY (a key no seat has), sends a
        Join now and then, and prints what arrived on either socket in 3 s:
        "received 0" when the handshake was refused, as it must be.
    wg_seat_probe.py claim ROUTER PUB SERVER_PUB KEY ROLE
        connects with KEY (some seat's key), waits for a broadcast, sends a
        Join claiming ROLE ("command" or a nation code), then an order
        (a Pledge) claiming it, and prints each reply on the DEALER:
        "error ERROR_UNAUTHORISED <detail>" or "welcome".

Needs wg_pb2 on PYTHONPATH (protoc --python_out) and python3-zmq; the
sockets, claims and reply lines are wg_seat_client.py's (beside it).
"""
import sys
import time

import zmq

import wg_pb2 as pb
from wg_seat_client import claim_of, heard, reply_line, sockets


def stranger(router, pub, server_pub, key):
    dealer, sub = sockets(router, pub, server_pub, key)
    join = pb.Envelope(sender_role=pb.ROLE_CONTINGENT, sender_nation="FRA",
                       phase=pb.PHASE_LOBBY, join=pb.Join(agent="stranger/0"))
    poller = zmq.Poller()
    poller.register(dealer, zmq.POLLIN)
    poller.register(sub, zmq.POLLIN)
    received = 0
    end = time.monotonic() + 3
    next_join = 0.0
    while time.monotonic() < end:
        if time.monotonic() >= next_join:
            # Queued until a handshake succeeds: never, for this key.
            try:
                dealer.send(join.SerializeToString(), zmq.NOBLOCK)
            except zmq.Again:
                pass
            next_join = time.monotonic() + 0.5
        for s, _ in poller.poll(100):
            s.recv()
            received += 1
    print("received %d" % received)
    return 0


def claim(router, pub, server_pub, key, role):
    dealer, sub = sockets(router, pub, server_pub, key)
    if not heard(sub):
        return 1
    me = claim_of(role)
    join = pb.Envelope(**me, phase=pb.PHASE_LOBBY,
                       join=pb.Join(agent="impostor/0"))
    order = pb.Envelope(**me, turn=1, phase=pb.PHASE_PLEDGE,
                        pledge=pb.Pledge(troops=5000))
    for env in (join, order):
        dealer.send(env.SerializeToString())
        if not dealer.poll(3000):
            print("no reply in 3 s")
            return 1
        print(reply_line(pb.Envelope.FromString(dealer.recv())))
    return 0


def main(argv):
    if len(argv) == 6 and argv[1] == "stranger":
        return stranger(*argv[2:6])
    if len(argv) == 7 and argv[1] == "claim":
        return claim(*argv[2:7])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
