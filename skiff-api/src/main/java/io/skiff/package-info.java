/**
 * What applications call: {@link io.skiff.Skiff} creates a {@link io.skiff.SkiffNode} for an address, and the
 * node exposes the replicated key-value database through {@link io.skiff.LevelUp} and {@link io.skiff.LevelDown}.
 */
package io.skiff;
