package io.skiff.benchmarks;

/** The workload every benchmark shares, fixed so that numbers compare with PERF.md and with each other. */
final class Workload {
    /** Value (or command) size of every write: the peers in PERF.md were measured with 100-byte values. */
    static final int VALUE_BYTES = 100;
    /** JVM options of every forked benchmark JVM: Agrona reads jdk.internal.misc from the unnamed module. */
    static final String ADD_EXPORTS = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED";

    private Workload() {
    }
}
