/**
 * The one binary codec of Skiff: frame headers, message bodies and log entries, as flyweight-style static layouts
 * over Agrona buffers. Decoding validates every length, type, version and cluster id before anything reaches the
 * Raft core; encoding writes in place. Nothing here allocates per message.
 */
package io.skiff.core.codec;
