package io.skiff.cli.client;

import io.skiff.cli.ExitCodes;
import io.skiff.cli.SkiffCommand;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.Callable;

/** {@code skiff scan}: reads an ordered range of keys through a node's gateway. */
@Command(name = "scan", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Prints an ordered range of entries, one 'KEY<TAB>VALUE' line each.",
        "Keys and values that are not UTF-8 are printed as base64:... .",
        "Example: skiff scan --gte user: --lt user; --limit 10"})
public final class ScanCommand implements Callable<Integer> {
    /** The gateway's largest page. */
    static final int MAX_LIMIT = 10_000;

    @ParentCommand
    private SkiffCommand parent;

    @Spec
    private CommandSpec spec;

    @Mixin
    private GatewayTarget target;

    @ArgGroup(exclusive = true)
    private Lower lower;

    @ArgGroup(exclusive = true)
    private Upper upper;

    /** At most one lower bound. */
    static final class Lower {
        @Option(names = "--gt", paramLabel = "KEY", description = "Keys greater than KEY.")
        private String gt;

        @Option(names = "--gte", paramLabel = "KEY", description = "Keys greater than or equal to KEY.")
        private String gte;
    }

    /** At most one upper bound. */
    static final class Upper {
        @Option(names = "--lt", paramLabel = "KEY", description = "Keys less than KEY.")
        private String lt;

        @Option(names = "--lte", paramLabel = "KEY", description = "Keys less than or equal to KEY.")
        private String lte;
    }

    @Option(names = "--limit", paramLabel = "N", description = "At most N entries (gateway default 1000, "
        + "maximum 10000).")
    private Integer limit;

    @Option(names = "--reverse", description = "From the highest key down.")
    private boolean reverse;

    @Option(names = "--keys-only", description = "Prints keys only.")
    private boolean keysOnly;

    @Option(names = "--values-only", description = "Prints values only.")
    private boolean valuesOnly;

    @Option(names = "--local", description = "Reads the node's own state without asking the leader; may be stale.")
    private boolean local;

    @Option(names = "--json", description = "Prints the gateway's JSON answer as it is.")
    private boolean json;

    @Override
    public Integer call() {
        if (keysOnly && valuesOnly) {
            throw new ParameterException(spec.commandLine(), "--keys-only and --values-only exclude each other");
        }
        if (null != limit && (limit < 0 || limit > MAX_LIMIT)) {
            throw new ParameterException(spec.commandLine(), "--limit " + limit + " is out of range: expected 0 to "
                + MAX_LIMIT);
        }
        final StringJoiner query = new StringJoiner("&", "?", "").setEmptyValue("");
        if (null != lower) {
            add(query, "gt", lower.gt);
            add(query, "gte", lower.gte);
        }
        if (null != upper) {
            add(query, "lt", upper.lt);
            add(query, "lte", upper.lte);
        }
        if (null != limit) {
            query.add("limit=" + limit);
        }
        if (reverse) {
            query.add("reverse=true");
        }
        if (keysOnly) {
            query.add("values=false");
        }
        if (valuesOnly) {
            query.add("keys=false");
        }
        if (local) {
            query.add("consistency=local");
        }
        final GatewayClient.Reply reply = target.client(spec).send("GET", "/kv" + query, null).requireSuccess();
        if (json) {
            parent.out().println(reply.text().strip());
            return ExitCodes.OK;
        }
        final Map<String, Object> answer = reply.json();
        for (Object entry : (List<?>)answer.get("entries")) {
            final Map<?, ?> fields = (Map<?, ?>)entry;
            final StringJoiner line = new StringJoiner("\t");
            if (!valuesOnly) {
                line.add(text(fields, "key"));
            }
            if (!keysOnly) {
                line.add(text(fields, "value"));
            }
            parent.out().println(line);
        }
        if (Boolean.TRUE.equals(answer.get("truncated"))) {
            parent.err().println("skiff: more entries follow; continue with --gt and the last key");
        }
        return ExitCodes.OK;
    }

    private static void add(StringJoiner query, String name, String value) {
        if (null != value) {
            query.add(name + "=" + GatewayClient.encode(value));
        }
    }

    private static String text(Map<?, ?> fields, String field) {
        final Object text = fields.get(field);
        return null != text ? String.valueOf(text) : "base64:" + fields.get(field + "Base64");
    }
}
