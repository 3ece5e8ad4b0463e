package ai.stylefarm.modelkit.inference;

/**
 * ONNX Runtime settings for a generator.
 *
 * @param device     where to run
 * @param intraOpThreads threads per operator; 0 means one per available core
 * @param spinning whether idle operator threads spin: fastest when the process has the cores to itself, wasteful
 *     when it shares them (a worker encoding and uploading beside rendering, on a host with other services)
 */
public record SessionSettings(ExecutionDevice device, int intraOpThreads, boolean spinning) {
    public SessionSettings(ExecutionDevice device, int intraOpThreads) {
        this(device, intraOpThreads, true);
    }

    public static SessionSettings defaults() {
        return new SessionSettings(ExecutionDevice.AUTO, 0);
    }

    public int resolvedThreads() {
        return intraOpThreads > 0 ? intraOpThreads : Runtime.getRuntime().availableProcessors();
    }
}
