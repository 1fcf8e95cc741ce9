#!/usr/bin/env bash
# console_assist.sh - a team with a staff assistant, as on a LAN
# (wg-contingent --exercise FILE --key FRA.key --human --assist builtin, every
# seat with its key) accepts the proposal of turn 1 unchanged, edits that
# of turn 2, and leaves at turn 3 (Ctrl-C, y); the log tells the two apart
# (Provenance.assistance PROPOSAL and EDITED) and shows FRA's leaving
# Forfeit and its fallback from then on. The exercise is console.sh's.
exec bash "$(dirname "${BASH_SOURCE[0]}")/console.sh" assist
