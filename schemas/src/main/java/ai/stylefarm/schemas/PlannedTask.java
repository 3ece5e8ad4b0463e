package ai.stylefarm.schemas;

/** One planned task: its position in the job, its kind, and its spec as stored in {@code tasks.spec}. */
public record PlannedTask(int index, TaskKind kind, String specJson) {
}
