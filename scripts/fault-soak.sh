#!/usr/bin/env bash
# Runs the fault suite's long soak: `skiff node` processes under client load and a seeded nemesis, run after run,
# then prints the summary (runs, faults, calls, violations, longest stall, failover times).
#
#   scripts/fault-soak.sh [RUNS] [SECONDS_PER_RUN]      (default: 5 runs of 120 s of faults)
#
# Environment:
#   SOAK_FIRST_SEED   seed of the first run (1000); run i uses SOAK_FIRST_SEED + i, so a failing seed replays with
#                     SOAK_FIRST_SEED=<seed> and RUNS=1
#   SOAK_NODES        cluster sizes used in turn (3,5)
#   SOAK_KINDS        fault kinds to draw from, e.g. kill-leader,pause-minority, or all (default: the enabled ones)
#
# Every run's report and the summary go to skiff-faults/target/fault-runs/soak-summary.txt as they come; a failing
# run keeps its directory (node logs, run.log) under skiff-faults/target/fault-runs/soak-seed-<seed>.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${1:-5}
seconds=${2:-120}
status=0
mkdir -p skiff-faults/target
mvn -B -pl skiff-faults -am verify -Pfault-soak -Dtest=FaultSoakTest -Dsurefire.failIfNoSpecifiedTests=false \
    -Dskiff.faults.runs="$runs" -Dskiff.faults.runSeconds="$seconds" \
    -Dskiff.faults.firstSeed="${SOAK_FIRST_SEED:-1000}" -Dskiff.faults.nodes="${SOAK_NODES:-3,5}" \
    -Dskiff.faults.kinds="${SOAK_KINDS:-}" > skiff-faults/target/fault-soak-build.log 2>&1 || status=$?
cat skiff-faults/target/fault-runs/soak-summary.txt 2>/dev/null || tail -n 50 skiff-faults/target/fault-soak-build.log
exit $status
