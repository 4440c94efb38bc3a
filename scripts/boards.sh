#!/usr/bin/env bash
# boards.sh — build every board of the board table at its default geometry and check
# each outcome against the table (docs/boards.md): the iCE40 and ECP5 open flows to a
# bitstream, the Cmod A7's yosys resource estimate, and the iCEBreaker's echo image.
#
# Each build writes build/hw/<board>/report.json and must give the outcome the board
# table expects (fits with timing met, does not fit, or estimate): a change either way
# fails here until hdl/boards/boards.toml and docs/boards.md say so. The tools do the
# work, one thread each; the ULX3S's place and route takes the longest (docs/boards.md
# gives the times). scripts/test.sh runs this in the background beside the tests.
#
# Usage: bash scripts/boards.sh NCX   (NCX: the ncx binary to use; after scripts/setup.sh)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

ncx=${1:?usage: bash scripts/boards.sh NCX (the ncx binary)}
boards=$(sed -n 's/^name = "\(.*\)"$/\1/p' hdl/boards/boards.toml)
for board in $boards; do
    start=$SECONDS
    "$ncx" hw build --board "$board" --expect-table
    echo "board $board: $((SECONDS - start)) s"
done
"$ncx" hw build --board icebreaker --echo
echo "all boards built as the board table expects"
