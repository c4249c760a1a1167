package io.skiff.testkit.check;

/** A 64-bit finalizer (SplitMix64's) for hashing sets and states by summing or xoring the terms of elements. */
final class Mix {
    private Mix() {
    }

    static long mix(long x) {
        long z = x + 0x9E37_79B9_7F4A_7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }
}
