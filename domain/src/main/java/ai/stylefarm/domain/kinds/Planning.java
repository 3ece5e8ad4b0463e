package ai.stylefarm.domain.kinds;

/**
 * How big a task is, where a spec leaves it to the farm.
 *
 * @param seedsPerTask  images per generate task (a shard's size for webdataset)
 * @param framesPerTask frames per interpolation segment
 */
public record Planning(int seedsPerTask, int framesPerTask) {
    public Planning {
        if (seedsPerTask < 1 || framesPerTask < 1) {
            throw new IllegalArgumentException("seeds and frames per task must be at least 1, were " + seedsPerTask
                    + " and " + framesPerTask);
        }
    }
}
