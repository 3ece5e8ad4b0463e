package ai.stylefarm.worker;

/**
 * How a worker spends its rendering threads. On a CPU, batches render side by side with one ONNX Runtime thread
 * each (see {@link ai.stylefarm.modelkit.inference.RenderLanes}); a GPU runs one batch at a time. A projection
 * step is one image, run one after the other, so it gets every thread.
 *
 * @param lanes             batches rendered at once
 * @param sessionThreads    ONNX Runtime threads per operator of a generator session
 * @param projectionThreads the same for projection steps
 */
public record RenderThreads(int lanes, int sessionThreads, int projectionThreads) {

    /**
     * @param device  "cpu" or "cuda", as {@link ai.stylefarm.modelkit.inference.GeneratorSession#resolveDevice}
     *                answers
     * @param threads the worker's threads, at least 1
     */
    public static RenderThreads of(String device, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, was " + threads);
        }
        if (device.equals("cuda") || threads == 1) {
            return new RenderThreads(1, threads, threads);
        }
        return new RenderThreads(threads, 1, threads);
    }
}
