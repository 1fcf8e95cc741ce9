#!/usr/bin/env bash
# tui.sh - the terminal UI layer of the consoles (workers/tui), alone,
# through a pseudo-terminal (python3-pexpect): tests/tools/tui_check.py
# drives tests/tools/tui_probe and reads its screen with a VT100 model.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
wg_init tui

py=$(wg_python) || wg_abort "no python3"
"$py" -c 'import pexpect' 2>/dev/null ||
    wg_abort "python3-pexpect is missing (scripts/test installs it)"
PYTHONPATH="$WG_SOURCE_DIR/tests/tools" "$py" \
    "$WG_SOURCE_DIR/tests/tools/tui_check.py" "$WG_BUILD_DIR/tests/tui_probe" ||
    fail "tui_check.py failed"
wg_done
