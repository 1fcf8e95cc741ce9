#!/usr/bin/env bash
# fallback_bot.sh - the `bot` fallback plays what the nation's own bot
# would have, for the right nation. tests/data/fallbacks.yaml (FRA and NLD
# on `bot`) is played twice with the same seed:
#   control: every role answers itself (wg-contingent's built-in bot);
#   absent:  FRA and NLD never join, so their bot fallback answers every
#            phase that expects them ("not joined").
# Checks (tests/tools/wg_fallback_check.py on both logs' wg-log dump): each
# order FRA and NLD gave in the control has exactly one counterpart in the
# absent run, for the same turn and phase, with the same payload and
# rationale, recorded as from that nation with source DEFAULT, agent
# "wg-contingent-bot/1" and reason "not joined", and there are no others;
# every other role's orders are the control's; every turn ends in the
# control's state (state_digest); each TurnResult lists exactly FRA and
# NLD as defaulted; the "fallback plays" event at turn 1; the control has
# no default orders at all. Both logs verify.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
wg_init fallback_bot
PY=$(wg_python) || wg_abort "no python3"
scenario="$WG_SOURCE_DIR/tests/data/fallbacks.yaml"
check="$WG_SOURCE_DIR/tests/tools/wg_fallback_check.py"

ctl="$WG_TMP/control.wglog"
wg_play control "$scenario" --log "$ctl" --lobby-timeout 20000
wg_check_turn_lines "$WG_RUN_DIR/adjudicator.out" 14
abs="$WG_TMP/absent.wglog"
# absent: wait, so that every phase waits for their deadline and the bot
# fallback answers it as "not joined" (under the default, absent:
# fallback, it would answer at once, as "absent": integration.absent).
wg_play absent "$scenario" --skip FRA --skip NLD --lobby-timeout 1500 \
    --absent wait --log "$abs"
wg_check_turn_lines "$WG_RUN_DIR/adjudicator.out" 14

for l in control absent; do
    "$WG_BIN/wg-log" dump "$WG_TMP/$l.wglog" >"$WG_TMP/$l.dump" 2>"$WG_TMP/$l.dump.err" ||
        fail "wg-log dump $l exited $?"
done
echo "control:"
"$PY" "$check" kinds "$WG_TMP/control.dump" --expect ||
    fail "the control exercise has default orders (above)"
echo "absent:"
"$PY" "$check" kinds "$WG_TMP/absent.dump" --expect \
    "FRA=bot:1:not joined" "NLD=bot:1:not joined" ||
    fail "the bot fallback's orders are not recorded as they should be (above)"
"$PY" "$check" bot "$WG_TMP/control.dump" "$WG_TMP/absent.dump" --expect \
    "FRA=not joined" "NLD=not joined" ||
    fail "the bot fallback did not play what the nations' bots played (above)"
# FRA's bot pledges troops at turn 1 (so the comparison is not of nothing).
grep '"sender_nation":"FRA"' "$WG_TMP/absent.dump" | grep '"turn":1,' |
    grep -q '"source":"ORDER_SOURCE_DEFAULT".*"pledge":{"nation":"FRA","troops":12000' ||
    fail "FRA's bot fallback does not pledge 12000 troops at turn 1"

for l in control absent; do
    timeout 60 "$WG_BIN/wg-log" verify "$WG_TMP/$l.wglog" >"$WG_TMP/$l.verify" 2>&1
    st=$?
    tail -n 1 "$WG_TMP/$l.verify"
    [ $st -eq 0 ] || fail "wg-log verify $l exited $st: $(tail -2 "$WG_TMP/$l.verify")"
done
wg_done
