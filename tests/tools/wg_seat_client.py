"""wg_seat_client.py - a Python team's side of an exercise with keys, shared
by the tests' probes (wg_seat_probe.py, wg_director_probe.py). Written from
docs/PROTOCOL.md ("Seats and keys") with pyzmq and the protobuf classes
protoc makes of proto/wg.proto (wg_pb2 on PYTHONPATH): the two CURVE
sockets a seat's key opens, the sender fields that claim a role, and a
reply said as one line."""
import zmq
import zmq.auth

import wg_pb2 as pb


def sockets(router, pub, server_pub, key):
    """A DEALER to ROUTER and a SUB (to everything) on PUB, CURVE clients
    with KEY's certificate of the adjudicator's SERVER_PUB."""
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


def heard(sub):
    """Whether the SUB hears a broadcast within 5 s (says so if not): from
    then on the adjudicator has the handshake, and no broadcast is missed."""
    if sub.poll(5000):
        return True
    print("no broadcast in 5 s")
    return False


def claim_of(role):
    """The Envelope's sender fields that claim ROLE: "command", "director"
    or a nation's code."""
    if role == "command":
        return dict(sender_role=pb.ROLE_COMMAND)
    if role == "director":
        return dict(sender_role=pb.ROLE_DIRECTOR)
    return dict(sender_role=pb.ROLE_CONTINGENT, sender_nation=role)


def reply_line(reply):
    """A reply as the probes print it: "error ERROR_... <detail>", or the
    name of its payload ("welcome")."""
    kind = reply.WhichOneof("payload")
    if kind == "error":
        return "error %s %s" % (pb.ErrorCode.Name(reply.error.code),
                                reply.error.detail)
    return kind
