package ai.stylefarm.schemas;

/** The kind-specific part of a {@link TaskMessage}; its kind travels beside it as the message's {@code kind}. */
public sealed interface TaskSpec permits GenerateTaskSpec, StyleMixTaskSpec, InterpolateTaskSpec,
        ProjectTaskSpec {
    TaskKind kind();

    /** What the task makes, as progress counts it: images, frames, grid cells, or one projection. */
    int itemCount();

    /** What the task covers, for people: {@code seeds 0-63}, {@code frames 120-239}, {@code target 3 (cat.png)}. */
    String describe();
}
