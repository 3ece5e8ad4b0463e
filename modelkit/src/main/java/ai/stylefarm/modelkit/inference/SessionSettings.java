package ai.stylefarm.modelkit.inference;

/**
 * ONNX Runtime settings for a generator.
 *
 * @param device     where to run
 * @param intraOpThreads threads per operator; 0 means one per available core
 */
public record SessionSettings(ExecutionDevice device, int intraOpThreads) {
    public static SessionSettings defaults() {
        return new SessionSettings(ExecutionDevice.AUTO, 0);
    }

    public int resolvedThreads() {
        return intraOpThreads > 0 ? intraOpThreads : Runtime.getRuntime().availableProcessors();
    }
}
