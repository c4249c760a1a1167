package io.skiff.testkit.sim;

/** Thrown inside a node when the simulation cuts its power; the node dies on the spot, like a real one. */
final class SimulatedCrash extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SimulatedCrash(String message) {
        super(message, null, false, false);
    }
}
