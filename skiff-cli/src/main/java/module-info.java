/**
 * The runnable node: {@code skiff node} (one node on Aeron UDP and Xodus with an HTTP gateway), {@code skiff demo}
 * (a three-node cluster in one process that survives the loss of its leader), and {@code skiff put|get|del|scan|
 * status|join|leave}, a client of a node's gateway.
 *
 * <p>It compiles against the API alone; skiff-core, the Aeron transport and the Xodus storage are found at run time
 * through {@link java.util.ServiceLoader}, the last two also read for their options. The gateway serves HTTP with
 * Jetty's core server and reads and writes JSON with Jackson. Picocli reads the commands' annotated fields
 * reflectively, hence the {@code opens}. SLF4J, through which Xodus logs, is required only to keep
 * its no-binding notice off the console.
 */
module io.skiff.cli {
    requires io.skiff;
    requires io.skiff.transport.aeron;
    requires io.skiff.storage.xodus;
    requires info.picocli;
    requires org.eclipse.jetty.server;
    requires com.fasterxml.jackson.databind;
    requires java.net.http;
    requires org.slf4j;

    exports io.skiff.cli;
    exports io.skiff.cli.gateway;
    exports io.skiff.cli.json;

    opens io.skiff.cli to info.picocli;
    opens io.skiff.cli.node to info.picocli;
    opens io.skiff.cli.demo to info.picocli;
    opens io.skiff.cli.client to info.picocli;
}
