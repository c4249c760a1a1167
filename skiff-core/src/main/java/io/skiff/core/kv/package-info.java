/**
 * The replicated ordered key-value map behind {@link io.skiff.LevelUp} and {@link io.skiff.LevelDown}: its binary
 * format ({@link io.skiff.core.kv.KvCodec}), the state machine every node applies committed commands to
 * ({@link io.skiff.core.kv.KvStateMachine}) and the two facades that turn calls into commands and queries of a
 * {@link io.skiff.SkiffNode}. Internal to the core module: applications reach it through the API.
 */
package io.skiff.core.kv;
