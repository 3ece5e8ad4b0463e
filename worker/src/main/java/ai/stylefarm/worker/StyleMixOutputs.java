package ai.stylefarm.worker;

import ai.stylefarm.domain.storage.Bucket;
import ai.stylefarm.modelkit.bundle.ModelManifest;
import ai.stylefarm.modelkit.inference.GeneratorSession;
import ai.stylefarm.modelkit.inference.NoiseMode;
import ai.stylefarm.modelkit.inference.RenderLanes;
import ai.stylefarm.modelkit.inference.StyleMixer;
import ai.stylefarm.modelkit.io.Pixels;
import ai.stylefarm.schemas.ImageFormat;
import ai.stylefarm.schemas.StyleMixTaskSpec;
import ai.stylefarm.schemas.TaskEvent;
import ai.stylefarm.schemas.documents.StyleMixLine;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;

/** Renders the cells of a style-mixing task in batches and stores them as PNGs with the task's manifest part. */
final class StyleMixOutputs {
    /** One image of the grid: the row seed's ws with the column seed's styles. */
    private record Cell(long row, long col) {
    }

    /** One synthesis batch: its cells and their images [n, C, H, W]. */
    private record Mixed(List<Cell> cells, float[] img) {
    }

    private StyleMixOutputs() {
    }

    /** @return the stored outputs, or null when {@code stopping} ended it early */
    static List<TaskEvent.Output> render(GeneratorSession session, StyleMixTaskSpec spec, UUID job, Bucket store,
                                         Uploads.Batch uploads, RenderLanes lanes, int batchSize, IntConsumer progress,
                                         BooleanSupplier stopping) {
        ModelManifest m = session.manifest();
        StyleMixer mixer = new StyleMixer(session);
        LinkedHashSet<Long> seeds = new LinkedHashSet<>(spec.rowSeeds());
        seeds.addAll(spec.colSeeds());
        seeds.addAll(spec.diagonals());
        Map<Long, float[]> ws = mixer.styles(List.copyOf(seeds), (float) spec.truncationPsi(), spec.classIdx());
        int[] layers = spec.styles().stream().mapToInt(Integer::intValue).toArray();
        List<Cell> cells = cells(spec);
        NoiseMode noise = NoiseMode.parse(spec.noiseMode().value());
        int batches = (cells.size() + batchSize - 1) / batchSize;
        boolean complete = lanes.run(batches, b -> {
            List<Cell> batch = cells.subList(b * batchSize, Math.min(cells.size(), (b + 1) * batchSize));
            List<float[]> mixed = new ArrayList<>(batch.size());
            long[] noiseSeeds = new long[batch.size()];
            for (int i = 0; i < batch.size(); i++) {
                Cell cell = batch.get(i);
                mixed.add(mixer.mix(ws.get(cell.row()), ws.get(cell.col()), layers));
                noiseSeeds[i] = cell.row();
            }
            return new Mixed(batch, mixer.synthesize(mixed, noiseSeeds, noise));
        }, mixed -> {
            if (stopping.getAsBoolean()) {
                return false;
            }
            for (int i = 0; i < mixed.cells().size(); i++) {
                Cell cell = mixed.cells().get(i);
                uploads.image(store, spec.keyFor(cell.row(), cell.col()), null,
                        Pixels.toUint8Hwc(mixed.img(), i, m.imgChannels(), m.resolution(), m.resolution()),
                        m.resolution(), m.imgChannels(), ImageFormat.PNG, null);
            }
            progress.accept(uploads.done());
            return true;
        });
        if (!complete) {
            uploads.cancel();
            return null;
        }
        List<TaskEvent.Output> outputs = new ArrayList<>(uploads.await());
        List<StyleMixLine> part = new ArrayList<>();
        for (int i = 0; i < cells.size(); i++) {
            TaskEvent.Output o = outputs.get(i);
            part.add(new StyleMixLine(cells.get(i).row(), cells.get(i).col(), o.key(), o.sha256(), o.bytes(),
                    spec.styles(), spec.truncationPsi(), spec.classIdx(), spec.noiseMode()));
        }
        outputs.add(ManifestLines.storePart(store, job, spec.taskIndex(), part));
        return outputs;
    }

    static int cellCount(StyleMixTaskSpec spec) {
        return spec.rowSeeds().size() * spec.colSeeds().size() + spec.diagonals().size();
    }

    private static List<Cell> cells(StyleMixTaskSpec spec) {
        List<Cell> cells = new ArrayList<>(cellCount(spec));
        for (long row : spec.rowSeeds()) {
            for (long col : spec.colSeeds()) {
                cells.add(new Cell(row, col));
            }
        }
        spec.diagonals().forEach(s -> cells.add(new Cell(s, s)));
        return cells;
    }
}
