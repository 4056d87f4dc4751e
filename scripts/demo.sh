#!/usr/bin/env bash
# The main job: `scouter demo` starts an embedded Scouter server, registers PSI, SPC and custom-metric
# profiles built from samples/data/credit_train.csv, streams 50 000 inferences (half in-distribution,
# half drifted) through a ScouterQueue over HTTP, runs the drift checks and prints records inserted
# vs stored, the drift results and the alerts. Extra arguments go to `scouter demo`
# (e.g. --inferences 5000, --keep-running, --transport kafka|rabbitmq|redis). With
# --transport rabbitmq or redis and no RABBITMQ_ADDR / REDIS_ADDR set, the local servers of
# scripts/services.sh are started and used; Kafka without KAFKA_BROKERS uses the in-process mock cluster.
# Part 2 (SCOUTER_DEMO_LOCAL=1): the offline CLI path — profiles to JSON files and local drift.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

dotnet build src/Scouter.Cli -c Release -v quiet -nologo
scouter() { dotnet run --no-build -c Release --project src/Scouter.Cli -- "$@"; }

case " $* " in
  *" rabbitmq "*|*"=rabbitmq "*)
    if [[ -z "${RABBITMQ_ADDR:-}" ]]; then scripts/services.sh >&2; export RABBITMQ_ADDR="amqp://guest:guest@127.0.0.1:${SCOUTER_TEST_RABBITMQ_PORT:-55672}/"; fi ;;
  *" redis "*|*"=redis "*)
    if [[ -z "${REDIS_ADDR:-}" ]]; then scripts/services.sh >&2; export REDIS_ADDR="127.0.0.1:${SCOUTER_TEST_REDIS_PORT:-56379}"; fi ;;
esac

scouter demo "$@"

if [[ "${SCOUTER_DEMO_LOCAL:-0}" == "1" ]]; then
  out=out/demo
  mkdir -p "$out"
  echo; echo "== Part 2: local profiles and drift (no server) =="
  scouter profile create --type psi --input samples/data/credit_train.csv -o "$out/psi_profile.json" \
    --space demo --name credit --version 1.0.0
  scouter profile create --type spc --input samples/data/credit_train.csv -o "$out/spc_profile.json" \
    --space demo --name credit --version 1.0.0 --features age,income,credit_score,debt_ratio
  echo; echo "== PSI: live data from the training distribution =="
  scouter drift compute --profile "$out/psi_profile.json" --input samples/data/credit_live.csv
  echo; echo "== PSI: drifted live data =="
  scouter drift compute --profile "$out/psi_profile.json" --input samples/data/credit_drifted.csv
fi
