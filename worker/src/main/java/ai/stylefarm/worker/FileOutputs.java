package ai.stylefarm.worker;

import ai.stylefarm.domain.storage.Bucket;
import ai.stylefarm.modelkit.bundle.ModelManifest;
import ai.stylefarm.modelkit.inference.Renderer;
import ai.stylefarm.schemas.GenerateTaskSpec;
import ai.stylefarm.schemas.TaskEvent;
import ai.stylefarm.schemas.documents.ImageLine;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Layout {@code files}: one object per image, encoded and stored on the upload pool while rendering goes on. */
final class FileOutputs implements TaskOutputs {
    private final Bucket store;
    private final Uploads.Batch uploads;
    private final GenerateTaskSpec spec;
    private final ModelManifest model;
    private final UUID job;
    private final Map<Long, ImageLine> samples = new HashMap<>();

    FileOutputs(Bucket store, Uploads.Batch uploads, GenerateTaskSpec spec, ModelManifest model, UUID job) {
        this.store = store;
        this.uploads = uploads;
        this.spec = spec;
        this.model = model;
        this.job = job;
    }

    @Override
    public void add(Renderer.Rendered image, byte[] hwc) {
        samples.put(image.seed(), ManifestLines.sample(spec, image.seed(), image.z(),
                Arrays.copyOf(image.ws(), model.wDim())));
        uploads.image(store, spec.keyFor(image.seed()), image.seed(), hwc, model.resolution(), model.imgChannels(),
                spec.format(), spec.jpegQuality());
    }

    @Override
    public int done() {
        return uploads.done();
    }

    @Override
    public List<TaskEvent.Output> finish() {
        List<TaskEvent.Output> outputs = new ArrayList<>(uploads.await());
        List<ImageLine> part = new ArrayList<>();
        for (TaskEvent.Output o : outputs) {
            part.add(samples.get(o.seed()).storedAt(o.key(), null, o.sha256(), o.bytes()));
        }
        outputs.add(ManifestLines.storePart(store, job, spec.taskIndex(), part));
        return outputs;
    }

    @Override
    public void abort() {
        uploads.cancel();
    }
}
