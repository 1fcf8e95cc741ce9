#!/usr/bin/env bash
# options.sh - the workers refuse options they cannot honour, and say so:
#   wg-adjudicator --lobby-timeout abc (was read as 0), --seed -1 (was
#     2^64-1), --log-level bogus (was ignored), --router
#     tcp://127.0.0.1:99999 (ZeroMQ bound port 34463): each exits 2 with a
#     message naming what is wrong, before binding anything;
#   wg-contingent --log-level bogus and --router tcp://127.0.0.1:99999: 2;
#   wg-contingent --nation XXX against a running adjudicator whose scenario
#     has no XXX stops once its Join is answered ERROR_UNKNOWN_ROLE (it used
#     to retry forever), says so, and exits 2.
# Every process listens on 127.0.0.1 only.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
wg_init options
ADJ="$WG_BIN/wg-adjudicator"
CON="$WG_BIN/wg-contingent"

# refused NAME REGEX CMD...: CMD exits 2 and its stderr matches REGEX.
refused() {
    local name=$1 re=$2
    shift 2
    wg_expect_exit 2 "$WG_TMP/$name" "$@"
    grep -Eq -- "$re" "$WG_TMP/$name.err" ||
        fail "$name: no /$re/ in: $(head -2 "$WG_TMP/$name.err")"
    echo "$name: $(head -1 "$WG_TMP/$name.err")"
}

wg_pick_ports
common=(--scenario "$WG_SHORT" --router "$WG_ROUTER" --pub "$WG_PUB")
refused lobby 'lobby-timeout: not a number of milliseconds: abc' \
    "$ADJ" "${common[@]}" --lobby-timeout abc
refused lobby_neg 'lobby-timeout: not a number of milliseconds: -5' \
    "$ADJ" "${common[@]}" --lobby-timeout -5
refused seed 'seed: not a number, 0 or more: -1' \
    "$ADJ" "${common[@]}" --seed -1
refused level 'log-level: err, warn, info or debug, not bogus' \
    "$ADJ" "${common[@]}" --log-level bogus
refused router 'tcp://127\.0\.0\.1:99999: not a port' \
    "$ADJ" --scenario "$WG_SHORT" --router tcp://127.0.0.1:99999 \
    --pub "$WG_PUB"
refused pub 'tcp://127\.0\.0\.1:0: not a port' \
    "$ADJ" --scenario "$WG_SHORT" --router "$WG_ROUTER" \
    --pub tcp://127.0.0.1:0
refused con_level 'log-level: err, warn, info or debug, not bogus' \
    "$CON" --nation FRA --router "$WG_ROUTER" --pub "$WG_PUB" \
    --log-level bogus
refused con_router 'tcp://127\.0\.0\.1:99999: not a port' \
    "$CON" --nation FRA --router tcp://127.0.0.1:99999 --pub "$WG_PUB"

# ---- a nation the scenario does not have ----
WG_RUN_DIR="$WG_TMP/xxx"
mkdir -p "$WG_RUN_DIR"
wg_bind wg_start_adjudicator "$WG_SHORT" --log-level info --lobby-timeout 600000
"$CON" --nation XXX --router "$WG_ROUTER" --pub "$WG_PUB" \
    2>"$WG_RUN_DIR/contingent-XXX.err" &
xxx=$!
WG_PIDS+=("$xxx")
wg_wait "$xxx" 30
[ "$WG_RC" -eq 2 ] || fail "wg-contingent --nation XXX exited $WG_RC, wanted 2"
grep -q "scenario has no role XXX" "$WG_RUN_DIR/contingent-XXX.err" ||
    fail "wg-contingent --nation XXX does not say the scenario lacks XXX: $(tail -2 "$WG_RUN_DIR/contingent-XXX.err")"
grep "has no role" "$WG_RUN_DIR/contingent-XXX.err" | head -1
wg_alive "$WG_ADJ_PID" || fail "the adjudicator died"
kill -INT "$WG_ADJ_PID"
wg_wait "$WG_ADJ_PID" 20


# wg-keygen into a directory that is not there: one message, naming it,
# not one per key; nothing written.
wg_expect_exit 1 "$WG_TMP/keygen-nodir" "$WG_BIN/wg-keygen" \
    --dir "$WG_TMP/no-such-dir" adjudicator command FRA DEU
[ "$(wc -l <"$WG_TMP/keygen-nodir.err")" -eq 1 ] ||
    fail "wg-keygen into a missing directory said $(wc -l <"$WG_TMP/keygen-nodir.err") lines, wanted 1"
grep -q "no-such-dir: no such directory" "$WG_TMP/keygen-nodir.err" ||
    fail "wg-keygen into a missing directory: $(cat "$WG_TMP/keygen-nodir.err")"
[ -e "$WG_TMP/no-such-dir" ] && fail "wg-keygen made $WG_TMP/no-such-dir"

wg_done
