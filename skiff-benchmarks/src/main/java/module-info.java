/**
 * Measuring instruments for Skiff: JMH benchmarks of the codec, the Raft core alone, three-node clusters and the
 * Xodus log, and the cluster load tool ({@link io.skiff.benchmarks.load.LoadTool}).
 *
 * <p>The benchmarks run from the shaded {@code benchmarks.jar} on the class path; the module exists so that the
 * internals of {@code io.skiff.core}, exported to it by name, can be measured, and so that a command-line module
 * can call the load tool.
 */
module io.skiff.benchmarks {
    requires io.skiff;
    requires io.skiff.core;
    requires io.skiff.testkit;
    requires io.skiff.transport.aeron;
    requires io.skiff.storage.xodus;
    requires org.agrona;
    requires jmh.core;
    requires jdk.management;
    requires jdk.jfr;

    exports io.skiff.benchmarks.load;
    exports io.skiff.benchmarks.profile;
    opens io.skiff.benchmarks to jmh.core;
}
