#!/usr/bin/env bash
# docs_commands.sh - commands the README and docs/PLAYING.md show, that
# need no terminal and no other machine: every exercise file of
# configs/exercises/ loads (wg-adjudicator --exercise F --list-nations,
# exit 0: the files those pages start the adjudicator, wg-director and
# wg-observe with), with a seat for every nation of its scenario; and the
# README's key line ("Across a LAN, with keys"), taken from the README and
# run as it stands in a scratch directory, writes a key pair for every
# seat of the default scenario. And docs/BOTS.md's plug-in: its C example
# built with its `cc -shared` line as it stands, from a scratch directory
# laid out as a checkout with a build (include/ and build/include/, where
# the generated wg/proto_enums.h is), exports wg_bot_entry.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
wg_init docs_commands

n=0
for f in "$WG_SOURCE_DIR"/configs/exercises/*.yaml; do
    out=$("$WG_BIN/wg-adjudicator" --exercise "$f" --list-nations 2>&1) ||
        { fail "${f#"$WG_SOURCE_DIR"/}: $out"; continue; }
    n=$((n + 1))
    echo "${f#"$WG_SOURCE_DIR"/}: $(echo $out)"
done
[ "$n" -gt 0 ] || fail "no exercise file loaded"

# The README's key line: from "mkdir -p keys" to the wg-keygen command's end.
lines=$(awk '/^mkdir -p keys/ { on = 1 } on { print } on && !/\\$/ && !/^mkdir/ { exit }' \
    "$WG_SOURCE_DIR/README.md")
[ -n "$lines" ] || wg_abort "no 'mkdir -p keys' line in the README"
mkdir "$WG_TMP/lan" && cp -r "$WG_SOURCE_DIR/configs" "$WG_TMP/lan/" &&
    mkdir -p "$WG_TMP/lan/build" && ln -s "$WG_BIN" "$WG_TMP/lan/build/workers" ||
    wg_abort "cannot lay out the scratch directory"
(cd "$WG_TMP/lan" && bash -ec "$lines") >"$WG_TMP/keygen.out" 2>&1 ||
    fail "the README's key line failed: $(head -3 "$WG_TMP/keygen.out")"
for s in adjudicator command director \
    $("$WG_BIN/wg-adjudicator" --list-nations --scenario "$WG_SOURCE_DIR/configs/scenarios/default.yaml"); do
    [ -s "$WG_TMP/lan/keys/$s.key" ] && [ -s "$WG_TMP/lan/keys/$s.pub" ] ||
        fail "the README's key line wrote no key pair for $s"
done
echo "the README's key line wrote $(ls "$WG_TMP/lan/keys" | wc -l) files"

# docs/BOTS.md's plug-in: the first C block and the `cc -shared` line.
bots="$WG_SOURCE_DIR/docs/BOTS.md"
mkdir -p "$WG_TMP/plugin/build" && ln -s "$WG_SOURCE_DIR/include" "$WG_TMP/plugin/include" &&
    ln -s "$WG_BUILD_DIR/include" "$WG_TMP/plugin/build/include" ||
    wg_abort "cannot lay out the plug-in's scratch directory"
awk '/^```c$/ { on = 1; next } on && /^```$/ { exit } on { print }' "$bots" \
    >"$WG_TMP/plugin/my_bot.c"
grep -q wg_bot_entry "$WG_TMP/plugin/my_bot.c" ||
    wg_abort "no C example with wg_bot_entry in docs/BOTS.md"
cc_line=$(grep -m1 '^cc -shared' "$bots")
[ -n "$cc_line" ] || wg_abort "no 'cc -shared' line in docs/BOTS.md"
if (cd "$WG_TMP/plugin" && bash -ec "$cc_line") >"$WG_TMP/plugin.out" 2>&1; then
    nm -D --defined-only "$WG_TMP/plugin/my_bot.so" | grep -qw wg_bot_entry ||
        fail "docs/BOTS.md's plug-in exports no wg_bot_entry"
    echo "docs/BOTS.md's plug-in built: $cc_line"
else
    fail "docs/BOTS.md's '$cc_line' failed: $(head -5 "$WG_TMP/plugin.out")"
fi
wg_done
