#!/usr/bin/env bash
# console_command.sh - the coalition command's staff at the team console
# (wg-command --human): a requirement per sector, an assignment of FRA's
# pledge, no moves, a decision (reinforce E2, robust ROE, after an entry
# refused on screen), then it leaves; the log shows each order HUMAN with
# its rationale, and the command's fallback after. The exercise is
# console.sh's.
exec bash "$(dirname "${BASH_SOURCE[0]}")/console.sh" command
