/**
 * Service provider interfaces, for those who extend Skiff rather than use it: a node implementation
 * ({@link io.skiff.spi.NodeFactory}), transports chosen by address protocol
 * ({@link io.skiff.spi.TransportProvider}), storage chosen by name ({@link io.skiff.spi.StorageProvider}) and
 * replicated state machines ({@link io.skiff.spi.StateMachineProvider}). Providers are found with
 * {@link java.util.ServiceLoader}; a module declares {@code provides}, a jar on the class path ships
 * {@code META-INF/services}.
 */
package io.skiff.spi;
