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
# Timed tests run alone, after the rest: the other test assemblies would share the two cores with them.
timed=ProfileLoadTests
dotnet test Scouter.slnx --no-build -c Release -- --filter-not-class "*$timed" 2>&1 | tee "$log" || status=$?
dotnet test --project tests/Scouter.Dashboard.Tests --no-build -c Release -- --filter-class "*$timed" 2>&1 | tee -a "$log" || status=$?

# Repeat each failed test with its message and the start of its stack trace after the run, so the
# failures are the last thing a truncated CI log shows.
if grep -qE '^ *failed [^:]' "$log"; then
  echo
  echo "Failed tests:"
  awk '/^ *failed [^:]/ { n = 30 } n > 0 { print; n-- }' "$log"
  echo
fi

# Restate the test platform's run summaries ("succeeded: N", "failed: N", one per run) as one closing line.
passed=$(grep -E '^ +succeeded: +[0-9]+' "$log" | grep -oE '[0-9]+' | awk '{ n += $1 } END { print n + 0 }')
failed=$(grep -E '^ +failed: +[0-9]+' "$log" | grep -oE '[0-9]+' | awk '{ n += $1 } END { print n + 0 }')
rm -f "$log"
echo "${passed:-0} passed, ${failed:-0} failed"
exit "$status"
