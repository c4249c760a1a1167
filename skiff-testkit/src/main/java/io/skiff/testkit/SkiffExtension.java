package io.skiff.testkit;

import io.skiff.testkit.sim.Simulation;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * JUnit 5 extension that hands tests a {@link Simulation} or a {@link LocalCluster} and cleans up after them.
 *
 * <ul>
 *   <li>A {@link Simulation} parameter is a fresh simulated cluster (3 nodes, or {@link Nodes} of them), not yet
 *   started. Its seed is {@code -Dskiff.seed} if set, else {@link Seed} on the test, else derived from the test's
 *   name; a failing test's message gains the seed and the flag that replays it.</li>
 *   <li>A {@link LocalCluster} parameter is a started real-time cluster (3 nodes, or {@link Nodes}), closed after
 *   the test.</li>
 * </ul>
 *
 * <pre>{@code
 * @ExtendWith(SkiffExtension.class)
 * class MyAppTest {
 *     @Test
 *     void survivesALeaderCrash(@Nodes(5) Simulation sim) { ... }
 * }
 * }</pre>
 */
public final class SkiffExtension implements ParameterResolver, TestExecutionExceptionHandler {
    /** Cluster size of a resolved parameter. */
    @Target(ElementType.PARAMETER)
    @Retention(RetentionPolicy.RUNTIME)
    public @interface Nodes {
        int value();
    }

    /** Fixes the seed of a test's simulation (overridden by {@code -Dskiff.seed}). */
    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    public @interface Seed {
        long value();
    }

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SkiffExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        final Class<?> type = parameter.getParameter().getType();
        return type == Simulation.class || type == LocalCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        final int nodes = parameter.findAnnotation(Nodes.class).map(Nodes::value).orElse(3);
        if (parameter.getParameter().getType() == LocalCluster.class) {
            final LocalCluster cluster = LocalCluster.start(nodes);
            context.getStore(NAMESPACE).put(parameter.getIndex(), (ExtensionContext.Store.CloseableResource)
                cluster::close);
            return cluster;
        }
        final long seed = seed(context);
        context.getStore(NAMESPACE).put("seed", seed);
        try {
            return Simulation.builder().seed(seed).nodes(nodes).build();
        } catch (IllegalArgumentException e) {
            throw new ParameterResolutionException("cannot build the simulation: " + e.getMessage(), e);
        }
    }

    private static long seed(ExtensionContext context) {
        final String property = System.getProperty("skiff.seed");
        if (null != property) {
            return Long.parseLong(property);
        }
        return context.getTestMethod().map(m -> m.getAnnotation(Seed.class)).map(Seed::value)
            .orElseGet(() -> (long)context.getUniqueId().hashCode());
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        final Long seed = context.getStore(NAMESPACE).get("seed", Long.class);
        if (null == seed) {
            throw failure;
        }
        throw withSeed(failure, seed);
    }

    /** @return the failure, its message extended with the seed and the flag that replays it. */
    static AssertionError withSeed(Throwable failure, long seed) {
        final AssertionError withSeed = new AssertionError(failure.getMessage() + " [simulation seed " + seed
            + "; replay with -Dskiff.seed=" + seed + "]", failure);
        withSeed.setStackTrace(failure.getStackTrace());
        return withSeed;
    }
}
