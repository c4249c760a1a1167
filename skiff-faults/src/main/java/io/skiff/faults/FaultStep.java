package io.skiff.faults;

import java.time.Duration;

/**
 * One fault of a run's schedule, drawn from its seed before the run starts; the targets are named by role and
 * resolved when the step is applied.
 *
 * @param kind     what to do.
 * @param hold     how long the fault lasts before it is healed.
 * @param quiet    how long the cluster runs undisturbed before it.
 * @param onLeader for kinds that may hit either, whether the leader is among the targets.
 * @param pick     which follower (modulo their count) when a follower is the target.
 */
public record FaultStep(FaultKind kind, Duration hold, Duration quiet, boolean onLeader, int pick) {
    @Override
    public String toString() {
        return kind.label() + " " + hold.toMillis() + " ms" + (kind.eitherRole() && onLeader ? " (leader)" : "");
    }
}
