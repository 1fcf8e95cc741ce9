#!/usr/bin/env bash
# keys_pyzmq.sh - wg-keygen's certificates and pyzmq's zmq.auth agree.
# Checks: wg-keygen writes NAME.key (0600) and NAME.pub and prints the
# public key; it never replaces a file, and names a missing directory;
# pyzmq's load_certificate reads both files, with the keys wg-keygen
# printed, and the secret key gives the public one; two wg-keygen pairs
# make a CURVE connection through pyzmq (ZAP admitting the client's key) and
# a key that is not admitted is refused; certificates made by pyzmq's
# create_certificates load in wg (wg-keygen --show), the secret one after
# the chmod 600 that wg asks for. Needs Debian's python3-zmq (scripts/test
# installs it).
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
wg_init keys_pyzmq

KEYGEN="$WG_BIN/wg-keygen"
HELPER="$WG_SOURCE_DIR/tests/tools/pyzmq_certs.py"
[ -x "$KEYGEN" ] || wg_abort "no $KEYGEN"
PY=/usr/bin/python3
"$PY" -c 'import zmq.auth' 2>/dev/null ||
    wg_abort "no python3-zmq for $PY (scripts/test installs it)"
cd "$WG_TMP" || wg_abort "cd failed"
mkdir keys

# ---- wg-keygen ------------------------------------------------------------
"$KEYGEN" --dir keys hub FRA intruder >keygen.out 2>keygen.err ||
    fail "wg-keygen failed: $(cat keygen.err)"
for n in hub FRA intruder; do
    [ "$(stat -c %a "keys/$n.key")" = 600 ] || fail "$n.key is not mode 0600"
    [ -f "keys/$n.pub" ] || fail "no $n.pub"
    grep -q "^$n .\{40\}\$" keygen.out || fail "no public key printed for $n"
done
fra_pub=$(awk '$1 == "FRA" { print $2 }' keygen.out)

cp keys/FRA.key before.key
"$KEYGEN" --dir keys FRA >again.out 2>again.err &&
    fail "wg-keygen replaced an existing key"
grep -q "keys/FRA.key: exists; not replaced" again.err ||
    fail "no clear error for an existing key: $(cat again.err)"
cmp -s before.key keys/FRA.key || fail "the existing key changed"

"$KEYGEN" --dir nowhere FRA >/dev/null 2>nodir.err &&
    fail "wg-keygen wrote into a missing directory"
grep -q "^nowhere: no such directory" nodir.err ||
    fail "the error does not name the missing directory: $(cat nodir.err)"
"$KEYGEN" >/dev/null 2>&1
[ $? -eq 2 ] || fail "wg-keygen without a name does not exit 2"

# ---- wg's files in pyzmq ----------------------------------------------------
"$PY" "$HELPER" load keys/FRA.key >load_key.out 2>&1 ||
    fail "pyzmq cannot load FRA.key: $(cat load_key.out)"
grep -qxF "public $fra_pub" load_key.out ||
    fail "pyzmq reads another public key from FRA.key"
grep -q '^secret .\{40\}$' load_key.out || fail "pyzmq finds no secret key"
"$PY" "$HELPER" load keys/FRA.pub >load_pub.out 2>&1 ||
    fail "pyzmq cannot load FRA.pub: $(cat load_pub.out)"
grep -qxF "public $fra_pub" load_pub.out ||
    fail "pyzmq reads another public key from FRA.pub"
grep -qx 'secret none' load_pub.out || fail "pyzmq finds a secret in FRA.pub"

"$PY" "$HELPER" handshake keys/hub.key keys/FRA.key >hs.out 2>&1 ||
    fail "no CURVE connection with wg-keygen's keys: $(cat hs.out)"
"$PY" "$HELPER" handshake keys/hub.key keys/intruder.key keys/FRA.pub \
    >hs_refused.out 2>&1 && fail "a key that is not admitted got through"

# ---- pyzmq's files in wg ----------------------------------------------------
mkdir py
"$PY" "$HELPER" create py blue >create.out 2>&1 ||
    fail "pyzmq create_certificates failed: $(cat create.out)"
py_pub=$(awk '$1 == "public" { print $2 }' create.out)
# pyzmq names the public file blue.key and the secret one blue.key_secret.
"$KEYGEN" --show py/blue.key >show_pub.out 2>&1 ||
    fail "wg cannot load pyzmq's public certificate: $(cat show_pub.out)"
grep -qxF "py/blue.key $py_pub" show_pub.out ||
    fail "wg reads another public key from pyzmq's certificate"
chmod 644 py/blue.key_secret
"$KEYGEN" --show py/blue.key_secret >show_loose.out 2>&1 &&
    fail "wg accepted a secret certificate that others may read"
grep -q "chmod 600 py/blue.key_secret" show_loose.out ||
    fail "no chmod advice for a loose secret certificate: $(cat show_loose.out)"
chmod 600 py/blue.key_secret
"$KEYGEN" --show py/blue.key_secret >show_sec.out 2>&1 ||
    fail "wg cannot load pyzmq's secret certificate: $(cat show_sec.out)"
grep -qxF "py/blue.key_secret $py_pub" show_sec.out ||
    fail "wg reads another public key from pyzmq's secret certificate"

wg_done
