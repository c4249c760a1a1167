package io.skiff.spi;

import io.skiff.NoProviderException;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Function;

/**
 * Finds service providers with {@link ServiceLoader}, on the module path and on the class path, and explains what
 * was available when nothing matches.
 */
public final class Providers {
    private Providers() {
    }

    /**
     * @return the node implementation.
     * @throws NoProviderException when none is present (add skiff-core).
     */
    public static NodeFactory nodeFactory() {
        final List<NodeFactory> found = load(NodeFactory.class);
        if (found.isEmpty()) {
            throw new NoProviderException("no Skiff node implementation found; add the skiff-core artifact "
                + "(module io.skiff.core) to the module path or class path");
        }
        return found.get(0);
    }

    /**
     * @param protocol an address protocol, e.g. {@code udp}.
     * @return the transport provider for it.
     * @throws NoProviderException naming the available protocols and their modules.
     */
    public static TransportProvider transport(String protocol) {
        return find(TransportProvider.class, TransportProvider::protocol, protocol, "transport for protocol");
    }

    /**
     * @param name a storage name, e.g. {@code memory}.
     * @return the storage provider.
     * @throws NoProviderException naming the available storages and their modules.
     */
    public static StorageProvider storage(String name) {
        return find(StorageProvider.class, StorageProvider::name, name, "storage named");
    }

    /**
     * @param name a state machine name, e.g. {@code kv}.
     * @return the state machine provider.
     * @throws NoProviderException naming the available state machines and their modules.
     */
    public static StateMachineProvider stateMachine(String name) {
        return find(StateMachineProvider.class, StateMachineProvider::name, name, "state machine named");
    }

    private static <T> T find(Class<T> type, Function<T, String> key, String wanted, String what) {
        final List<T> found = load(type);
        T match = null;
        for (T provider : found) {
            if (wanted.equals(key.apply(provider))) {
                if (null != match && match.getClass() != provider.getClass()) {
                    throw new NoProviderException("ambiguous " + what + " '" + wanted + "': both "
                        + describe(match, key) + " and " + describe(provider, key) + " provide it");
                }
                match = provider;
            }
        }
        if (null == match) {
            final List<String> available = new ArrayList<>();
            for (T provider : found) {
                available.add(describe(provider, key));
            }
            throw new NoProviderException("no " + what + " '" + wanted + "'; available: "
                + (available.isEmpty() ? "none" : String.join(", ", available)));
        }
        return match;
    }

    private static <T> String describe(T provider, Function<T, String> key) {
        final Module module = provider.getClass().getModule();
        return key.apply(provider) + " (" + (module.isNamed() ? module.getName() : provider.getClass().getName()
            + " on the class path") + ")";
    }

    private static <T> List<T> load(Class<T> type) {
        final List<T> found = new ArrayList<>();
        final ClassLoader loader = Thread.currentThread().getContextClassLoader();
        final ServiceLoader<T> serviceLoader = null == loader || Providers.class.getModule().isNamed()
            ? ServiceLoader.load(type) : ServiceLoader.load(type, loader);
        final var iterator = serviceLoader.iterator();
        while (true) {
            try {
                if (!iterator.hasNext()) {
                    break;
                }
                found.add(iterator.next());
            } catch (ServiceConfigurationError e) {
                throw new NoProviderException("a " + type.getSimpleName() + " provider could not be loaded: "
                    + e.getMessage());
            }
        }
        return found;
    }
}
