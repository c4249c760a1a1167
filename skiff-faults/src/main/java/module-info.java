/**
 * Fault tests of real processes: {@code skiff node} child JVMs over UDP on 127.0.0.1, clients over the HTTP gateway,
 * and a seeded nemesis (SIGKILL and restart, SIGSTOP/SIGCONT around every timeout of the stack, pauses of a minority
 * at once, leave and rejoin, garbage and forged UDP, slow HTTP clients). Each run records the clients' history and
 * checks it with the testkit's linearizability checker, checks that no acknowledged write was lost and that every
 * node converges after healing, and reports the longest stall and each failover time
 * ({@link io.skiff.faults.FaultRun}).
 */
module io.skiff.faults {
    requires io.skiff.testkit;
    requires java.net.http;

    exports io.skiff.faults;
}
