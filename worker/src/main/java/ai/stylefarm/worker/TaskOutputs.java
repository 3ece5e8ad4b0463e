package ai.stylefarm.worker;

import ai.stylefarm.modelkit.inference.Renderer;
import ai.stylefarm.schemas.TaskEvent;
import java.util.List;

/**
 * Where one task's images go, in seed order: each stored as it is rendered, then the task's part of the manifest.
 * Everything written is keyed deterministically, so a re-run attempt overwrites its predecessor with the same
 * bytes, and an abandoned attempt leaves nothing the manifest points to.
 */
interface TaskOutputs {

    /** One rendered image and its uint8 HWC pixels. */
    void add(Renderer.Rendered image, byte[] hwc);

    /** Images finished so far, for progress events. */
    int done();

    /** Waits for every write, stores the manifest part, and returns every stored object. */
    List<TaskEvent.Output> finish();

    /** Stops early: pending writes are dropped, temporary files deleted. */
    void abort();
}
