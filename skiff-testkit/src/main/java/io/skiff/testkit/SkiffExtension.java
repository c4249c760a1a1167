package io.skiff.testkit;

import io.skiff.testkit.sim.Simulation;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.TestAbortedException;

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
 *   name. When the test fails after its simulation has run, the failure's message gains the seed and the flag that
 *   replays it; set-up errors, aborted tests (assumptions) and failures before the simulation ran are left as they
 *   are, since no seed replays them.</li>
 *   <li>A {@link LocalCluster} parameter is a started real-time cluster (3 nodes, or {@link Nodes}), closed after
 *   the test.</li>
 * </ul>
 *
 * <p>It uses only extension API that JUnit Jupiter 5.10 already has, and closes what it made itself after each test
 * rather than through the store's close hooks (whose interface changed in 5.13), so it runs on 5.10 and later.
 *
 * <pre>{@code
 * @ExtendWith(SkiffExtension.class)
 * class MyAppTest {
 *     @Test
 *     void survivesALeaderCrash(@Nodes(5) Simulation sim) { ... }
 * }
 * }</pre>
 */
public final class SkiffExtension implements ParameterResolver, TestExecutionExceptionHandler, AfterEachCallback {
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
    private static final String SIMULATION = "simulation";

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
            context.getStore(NAMESPACE).put(parameter.getIndex(), cluster);
            return cluster;
        }
        final Simulation simulation;
        try {
            simulation = Simulation.builder().seed(seed(context)).nodes(nodes).build();
        } catch (IllegalArgumentException e) {
            throw new ParameterResolutionException("cannot build the simulation: " + e.getMessage(), e);
        }
        context.getStore(NAMESPACE).put(SIMULATION, simulation);
        return simulation;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        final ExtensionContext.Store store = context.getStore(NAMESPACE);
        for (int index = 0; index < context.getRequiredTestMethod().getParameterCount(); index++) {
            final LocalCluster cluster = store.remove(index, LocalCluster.class);
            if (null != cluster) {
                cluster.close();
            }
        }
    }

    private static long seed(ExtensionContext context) {
        final String property = System.getProperty("skiff.seed");
        if (null != property) {
            try {
                return Long.parseLong(property.trim());
            } catch (NumberFormatException e) {
                throw new ParameterResolutionException("-Dskiff.seed must be a 64-bit integer, actual '" + property
                    + "'", e);
            }
        }
        return context.getTestMethod().map(m -> m.getAnnotation(Seed.class)).map(Seed::value)
            .orElseGet(() -> (long)context.getUniqueId().hashCode());
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        throw withReplayHint(failure, context.getStore(NAMESPACE).get(SIMULATION, Simulation.class));
    }

    /**
     * @param simulation the test's simulation, null if it has none.
     * @return the failure with the seed that replays it, or the failure itself when no seed would replay it: the
     *     test has no simulation or it never ran, parameters could not be resolved, or the test was aborted.
     */
    static Throwable withReplayHint(Throwable failure, Simulation simulation) {
        if (null == simulation || 0 == simulation.eventsRun() || failure instanceof ParameterResolutionException
            || failure instanceof TestAbortedException) {
            return failure;
        }
        return withSeed(failure, simulation.seed());
    }

    /** @return the failure, its message extended with the seed and the flag that replays it. */
    static AssertionError withSeed(Throwable failure, long seed) {
        final AssertionError withSeed = new AssertionError(failure.getMessage() + " [simulation seed " + seed
            + "; replay with -Dskiff.seed=" + seed + "]", failure);
        withSeed.setStackTrace(failure.getStackTrace());
        return withSeed;
    }
}
