#!/usr/bin/env bash
# tests/tools/build_tree_stamp.sh record|check BUILD_DIR
#
# The suite must never rebuild what it tests: a test that configures or
# builds mid-run relinks binaries other tests are executing (seen: "no
# wg-contingent", "wg-log: Permission denied"). ctest runs `record` before
# every other test and `check` after all of them (a fixture in
# tests/CMakeLists.txt); `check` fails, naming the files, if any file of the
# build tree outside ctest's own Testing/ directory was added, removed or
# modified in between.
set -euo pipefail
mode="${1:?usage: build_tree_stamp.sh record|check BUILD_DIR}"
dir="${2:?usage: build_tree_stamp.sh record|check BUILD_DIR}"
stamp="$dir/Testing/build-tree.stamp"

snapshot() {
    (cd "$dir" && find . -path ./Testing -prune -o -type f \
        -printf '%p %s %T@\n' | LC_ALL=C sort)
}

case "$mode" in
record)
    mkdir -p "$dir/Testing"
    snapshot >"$stamp"
    echo "build tree: $(wc -l <"$stamp") files recorded"
    ;;
check)
    [ -f "$stamp" ] || { echo "FAIL: no $stamp (record did not run)"; exit 1; }
    if changed=$(diff <(cat "$stamp") <(snapshot)); then
        echo "build tree: unchanged during the run ($(wc -l <"$stamp") files)"
    else
        echo "FAIL: the build tree changed while the suite ran:"
        echo "$changed" | head -40
        exit 1
    fi
    ;;
*)
    echo "usage: build_tree_stamp.sh record|check BUILD_DIR" >&2
    exit 2
    ;;
esac
