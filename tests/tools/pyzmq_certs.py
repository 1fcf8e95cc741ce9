#!/usr/bin/python3
"""pyzmq_certs.py - pyzmq's side of the certificate tests (keys_pyzmq.sh).

Uses Debian's python3-zmq only (zmq.auth), never wg code, so that what it
accepts is what a team writing its own client in Python would accept.

  pyzmq_certs.py load FILE
      zmq.auth.load_certificate(FILE); prints "public Z85" and "secret Z85"
      (or "secret none"); exits 1 if a secret key does not give the public.
  pyzmq_certs.py create DIR NAME
      zmq.auth.create_certificates(DIR, NAME); prints the two paths and
      "public Z85".
  pyzmq_certs.py handshake SERVER_CERT CLIENT_CERT [ADMITTED_CERT]
      a CURVE ROUTER with the server's secret certificate, a DEALER with the
      client's, and ZAP through zmq.auth's ThreadAuthenticator admitting
      only ADMITTED_CERT's public key (by default the client's): one
      message each way (exit 0), or exit 1 after 5 s.
"""
import sys

import zmq
import zmq.auth
from zmq.auth.thread import ThreadAuthenticator


def load(path):
    public, secret = zmq.auth.load_certificate(path)
    print("public", public.decode())
    print("secret", secret.decode() if secret else "none")
    if secret and zmq.curve_public(secret) != public:
        print("the secret key does not give the public key", file=sys.stderr)
        return 1
    return 0


def create(directory, name):
    public_file, secret_file = zmq.auth.create_certificates(
        directory, name, metadata={"team": "blue"})
    print("public_file", public_file)
    print("secret_file", secret_file)
    print("public", zmq.auth.load_certificate(public_file)[0].decode())
    return 0


def handshake(server_cert, client_cert, admitted_cert):
    server_public, server_secret = zmq.auth.load_certificate(server_cert)
    client_public, client_secret = zmq.auth.load_certificate(client_cert)
    admitted_public = zmq.auth.load_certificate(admitted_cert)[0]
    ctx = zmq.Context()
    auth = ThreadAuthenticator(ctx)
    auth.start()
    server = client = None
    try:
        # A stand-in for a directory of certificates: only this key.
        auth.configure_curve_callback(
            domain="*", credentials_provider=Admit(admitted_public))
        server = ctx.socket(zmq.ROUTER)
        server.curve_secretkey = server_secret
        server.curve_publickey = server_public
        server.curve_server = True
        port = server.bind_to_random_port("tcp://127.0.0.1")
        client = ctx.socket(zmq.DEALER)
        client.curve_secretkey = client_secret
        client.curve_publickey = client_public
        client.curve_serverkey = server_public
        client.connect("tcp://127.0.0.1:%d" % port)
        client.send(b"ping")
        if not server.poll(5000):
            print("the server received nothing", file=sys.stderr)
            return 1
        peer, msg = server.recv_multipart()
        server.send_multipart([peer, b"pong"])
        if msg != b"ping" or not client.poll(5000) or client.recv() != b"pong":
            print("no reply", file=sys.stderr)
            return 1
        print("handshake ok")
        return 0
    finally:
        for s in (client, server):
            if s is not None:
                s.close(linger=0)
        auth.stop()
        ctx.term()


class Admit:
    """A ThreadAuthenticator credentials provider admitting one key."""

    def __init__(self, public):
        self.public = public

    def callback(self, domain, key):
        return key == self.public  # both Z85


def main(argv):
    if len(argv) == 3 and argv[1] == "load":
        return load(argv[2])
    if len(argv) == 4 and argv[1] == "create":
        return create(argv[2], argv[3])
    if len(argv) in (4, 5) and argv[1] == "handshake":
        return handshake(argv[2], argv[3], argv[-1])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
