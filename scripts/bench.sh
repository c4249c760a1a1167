#!/usr/bin/env bash
# Builds skiff-benchmarks and runs the benchmark suite, writing every result under one directory.
#
#   scripts/bench.sh [all|jmh|load|profile|lease]     (default: all = jmh, then load)
#
#   jmh      every JMH benchmark with -prof gc (about 10 min on 2 cores): jmh.txt, jmh.json
#   load     the load tool on the main cases, 10 s warm-up + 20 s measured each (about 5 min): load.txt, load.jsonl
#   profile  the in-memory cluster with 64 writes in flight under JFR (1 ms CPU sampling): profile.jfr and its
#            summary profile.txt (threads, hottest methods by self and total samples, allocation sites)
#   lease    reads/s of LEASE against LINEARIZABLE reads, 64 in flight on the in-memory cluster, run alternately
#            (A B A B ...) BENCH_ROUNDS times (3) so that the load of a shared machine falls on both alike:
#            lease.txt (each run's gets/s and the ratio of each pair), lease.jsonl
#
# Environment:
#   BENCH_OUT         result directory (default skiff-benchmarks/target/bench-results/<UTC time>)
#   BENCH_JMH_ARGS    extra JMH arguments, e.g. 'ClusterBenchmark -p transport=mem'
#   BENCH_WARMUP      load tool warm-up per case (10s)
#   BENCH_DURATION    load tool measured time per case (20s)
#   BENCH_SKIP_BUILD  1: use the benchmarks.jar already built
set -euo pipefail
cd "$(dirname "$0")/.."

what=${1:-all}
out=${BENCH_OUT:-skiff-benchmarks/target/bench-results/$(date -u +%Y%m%dT%H%M%SZ)}
warmup=${BENCH_WARMUP:-10s}
duration=${BENCH_DURATION:-20s}
jar=skiff-benchmarks/target/benchmarks.jar
mkdir -p "$out"

if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
    mvn -B -q -pl skiff-benchmarks -am package -DskipTests
fi

describe_machine() {
    {
        echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
        echo "git: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
        echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //') x $(nproc)"
        echo "memory: $(free -g | awk '/^Mem:/ {print $2 " GiB"}')"
        echo "kernel: $(uname -sr)"
        java -version 2>&1 | sed 's/^/java: /'
    } > "$out/machine.txt"
}

run_jmh() {
    # shellcheck disable=SC2086 # BENCH_JMH_ARGS is a list of arguments
    java -jar "$jar" -prof gc -rf json -rff "$out/jmh.json" ${BENCH_JMH_ARGS:-} 2>&1 | tee "$out/jmh.txt"
}

# One load-tool case: a title, then the tool's options.
load_case() {
    local title=$1
    shift
    echo "== $title" | tee -a "$out/load.txt"
    # Status 3 (an election under load) is reported in the table and must not stop the remaining cases.
    java -Xmx2g -jar "$jar" load --warmup "$warmup" --duration "$duration" --json-out "$out/load.jsonl" "$@" \
        2> >(tee -a "$out/load-progress.txt" >&2) | tee -a "$out/load.txt" || true
}

run_load() {
    load_case "mem/memory, 1 in flight" --transport mem --storage memory --in-flight 1
    load_case "mem/memory, 64 in flight" --transport mem --storage memory --in-flight 64
    load_case "mem/memory, 64 in flight, reads" --transport mem --storage memory --in-flight 64 --reads 100
    load_case "udp/xodus fsync, 1 in flight" --transport udp --storage xodus --in-flight 1
    load_case "udp/xodus fsync, 64 in flight" --transport udp --storage xodus --in-flight 64
    load_case "udp/xodus fsync, 256 in flight" --transport udp --storage xodus --in-flight 256
    load_case "udp/xodus fsync, 64 in flight, reads" --transport udp --storage xodus --in-flight 64 --reads 100
    # Needs a Xodus storage that keeps the key-value store (the KvStore SPI); refused at start without one.
    load_case "udp/xodus fsync, kv-storage, 64 in flight" --transport udp --storage xodus \
        --state-machine kv-storage --in-flight 64
}

run_lease() {
    local rounds=${BENCH_ROUNDS:-3} consistency rate
    for ((i = 1; i <= rounds; i++)); do
        for consistency in linearizable lease; do
            # shellcheck disable=SC2016 # $1 and $3 are awk's
            rate=$( { java -Xmx2g -jar "$jar" load --transport mem --storage memory --in-flight 64 --reads 100 \
                --read-consistency "$consistency" --warmup "$warmup" --duration "$duration" --progress 0 \
                --json-out "$out/lease.jsonl" || true; } | awk '$1 == "get" {print $3}')
            echo "$consistency $rate" | tee -a "$out/lease.txt"
        done
    done
    paste -d' ' <(awk '$1 == "linearizable" {print $2}' "$out/lease.txt") \
        <(awk '$1 == "lease" {print $2}' "$out/lease.txt") \
        | awk '{printf "pair %d: linearizable %.0f/s, lease %.0f/s, lease/linearizable %.2f\n", NR, $1, $2, $2 / $1}' \
        | tee -a "$out/lease.txt"
}

run_profile() {
    local settings="$out/profile.jfc"
    # The JDK's 'profile' settings with CPU sampling every 1 ms instead of 10-20 ms.
    local java_home
    java_home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
    sed '/<event name="jdk.ExecutionSample">/,/<\/event>/ s#\(<setting name="period"[^>]*>\)[^<]*<#\11 ms<#' \
        "$java_home/lib/jfr/profile.jfc" > "$settings"
    java -Xmx2g -XX:StartFlightRecording=filename="$out/profile.jfr",settings="$settings" -jar "$jar" load \
        --transport mem --storage memory --in-flight 64 --warmup "$warmup" --duration "$duration" --progress 0 \
        | tee "$out/profile-load.txt"
    java -jar "$jar" jfr-summary "$out/profile.jfr" 40 > "$out/profile.txt"
    echo "profile summary: $out/profile.txt"
}

describe_machine
case "$what" in
    all) run_jmh; run_load ;;
    jmh) run_jmh ;;
    load) run_load ;;
    profile) run_profile ;;
    lease) run_lease ;;
    *) echo "usage: scripts/bench.sh [all|jmh|load|profile|lease]" >&2; exit 1 ;;
esac
echo "results in $out"
