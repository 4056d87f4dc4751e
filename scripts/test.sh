#!/usr/bin/env bash
# Restores, builds (warnings are errors) and runs every test project. Starts the local services
# the tests need first (scripts/services.sh). Prints "N passed, N failed" as its last line.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -x scripts/services.sh ]; then
  scripts/services.sh
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

dotnet restore Scouter.slnx
dotnet build Scouter.slnx --no-restore -c Release

log=$(mktemp)
status=0
dotnet test Scouter.slnx --no-build -c Release 2>&1 | tee "$log" || status=$?

# Repeat each failed test with its message and the start of its stack trace after the run, so the
# failures are the last thing a truncated CI log shows.
if grep -qE '^ *failed [^:]' "$log"; then
  echo
  echo "Failed tests:"
  awk '/^ *failed [^:]/ { n = 30 } n > 0 { print; n-- }' "$log"
  echo
fi

# Restate the test platform's run summary ("succeeded: N", "failed: N") as one closing line.
passed=$(grep -E '^ +succeeded: +[0-9]+' "$log" | tail -n 1 | grep -oE '[0-9]+')
failed=$(grep -E '^ +failed: +[0-9]+' "$log" | tail -n 1 | grep -oE '[0-9]+')
rm -f "$log"
echo "${passed:-0} passed, ${failed:-0} failed"
exit "$status"
