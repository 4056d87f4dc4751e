#!/usr/bin/env bash
# The main job: builds PSI and SPC profiles from the shipped training data and computes drift of
# an in-distribution and a drifted sample against them.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

out=${1:-out/demo}
mkdir -p "$out"
dotnet build src/Scouter.Cli -c Release -v quiet -nologo
scouter() { dotnet run --no-build -c Release --project src/Scouter.Cli -- "$@"; }

scouter profile create --type psi --input samples/data/credit_train.csv -o "$out/psi_profile.json" \
  --space demo --name credit --version 1.0.0
scouter profile create --type spc --input samples/data/credit_train.csv -o "$out/spc_profile.json" \
  --space demo --name credit --version 1.0.0 --features age,income,credit_score,debt_ratio
scouter profile show "$out/psi_profile.json"

echo; echo "== PSI: live data from the training distribution =="
scouter drift compute --profile "$out/psi_profile.json" --input samples/data/credit_live.csv
echo; echo "== PSI: drifted live data =="
scouter drift compute --profile "$out/psi_profile.json" --input samples/data/credit_drifted.csv
echo; echo "== SPC: drifted live data =="
scouter drift compute --profile "$out/spc_profile.json" --input samples/data/credit_drifted.csv
