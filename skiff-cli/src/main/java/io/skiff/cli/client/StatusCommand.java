package io.skiff.cli.client;

import io.skiff.cli.ExitCodes;
import io.skiff.cli.SkiffCommand;
import io.skiff.cli.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code skiff status}: what a node knows about itself and the cluster. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Prints a node's role, term, leader, log positions and the members as the leader sees them.")
public final class StatusCommand implements Callable<Integer> {
    @ParentCommand
    private SkiffCommand parent;

    @Spec
    private CommandSpec spec;

    @Mixin
    private GatewayTarget target;

    @Option(names = "--json", description = "Prints the gateway's JSON answer, indented.")
    private boolean json;

    @Override
    public Integer call() {
        final Map<String, Object> status = target.client(spec).send("GET", "/status", null).requireSuccess().json();
        final PrintStream out = parent.out();
        if (json) {
            out.println(Json.writePretty(status));
            return ExitCodes.OK;
        }
        out.println("address   " + status.get("address"));
        out.println("role      " + status.get("role"));
        out.println("term      " + status.get("term"));
        out.println("leader    " + (null == status.get("leader") ? "(none known)" : status.get("leader")));
        out.println("log       " + status.get("firstIndex") + ".." + status.get("lastIndex") + ", committed "
            + status.get("commitIndex") + ", applied " + status.get("appliedIndex"));
        final Object members = status.get("members");
        if (!(members instanceof List)) {
            out.println("members   unknown: " + status.get("membersError"));
            return ExitCodes.OK;
        }
        out.println("members");
        for (Object member : (List<?>)members) {
            final Map<?, ?> fields = (Map<?, ?>)member;
            final String connected = Boolean.TRUE.equals(fields.get("connected")) ? "connected" : "not connected";
            out.println(String.format("  %-32s %-9s %-13s match %s", fields.get("address"), fields.get("role"),
                connected, fields.get("matchIndex")));
        }
        return ExitCodes.OK;
    }
}
