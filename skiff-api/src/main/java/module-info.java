/**
 * The stable Skiff API and its service provider interfaces.
 *
 * <p>Applications use {@link io.skiff.Skiff#node(String, io.skiff.SkiffOptions)} and the types of package
 * {@code io.skiff}. Implementations are found at run time with {@link java.util.ServiceLoader}, on the module
 * path through {@code provides} clauses and on the class path through {@code META-INF/services}.
 *
 * @uses io.skiff.spi.NodeFactory
 * @uses io.skiff.spi.TransportProvider
 * @uses io.skiff.spi.StorageProvider
 * @uses io.skiff.spi.StateMachineProvider
 */
module io.skiff {
    exports io.skiff;
    exports io.skiff.spi;

    uses io.skiff.spi.NodeFactory;
    uses io.skiff.spi.TransportProvider;
    uses io.skiff.spi.StorageProvider;
    uses io.skiff.spi.StateMachineProvider;
}
