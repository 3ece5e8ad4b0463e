package ai.stylefarm.cli;

import ai.stylefarm.cli.client.GatewayClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./farm style-mix}: a style-mixing grid, as style_mixing.py draws it. */
@Command(name = "style-mix", mixinStandardHelpOptions = true,
        description = {"Submit a style-mixing job: each row seed's w with the chosen layers taken from each column"
                + " seed, every cell a PNG, plus grid.png with the seeds' own images along the top and the left.",
                "Example: ./farm style-mix --model demo --rows 85,100,75 --cols 55,821,1789 --styles 0-6 --wait"})
final class StyleMixCommand implements Callable<Integer> {
    @Mixin
    FarmConnection farm;

    @Option(names = "--model", required = true, description = "model id (./farm models list)")
    String model;

    @Option(names = "--rows", required = true, description = "row seeds, e.g. 85,100,75,458,1500")
    String rows;

    @Option(names = "--cols", required = true, description = "column seeds, e.g. 55,821,1789,293")
    String cols;

    @Option(names = "--styles", description = "layers taken from the column seed, e.g. 0-6 (coarse styles, the default)")
    String styles;

    @Option(names = "--trunc", description = "truncation psi (default 1)")
    Double psi;

    @Option(names = "--class", description = "class index, for conditional models")
    Integer classIdx;

    @Option(names = "--noise-mode", description = "const (default), random or none")
    String noiseMode;

    @Option(names = "--priority", description = "interactive, normal, bulk, or 0 to 9 (default normal)")
    String priority;

    @Option(names = "--wait", description = "wait for the job to end, with a progress bar")
    boolean await;

    @Option(names = "--download", description = "download the cells and grid.png into this directory (implies --wait)")
    Path download;

    @Override
    public Integer call() throws Exception {
        GatewayClient client = farm.client();
        ObjectNode spec = JsonNodeFactory.instance.objectNode().put("row_seeds", rows).put("col_seeds", cols);
        if (styles != null) {
            spec.put("styles", styles);
        }
        if (psi != null) {
            spec.put("truncation_psi", psi);
        }
        if (classIdx != null) {
            spec.put("class_idx", classIdx);
        }
        if (noiseMode != null) {
            spec.put("noise_mode", noiseMode);
        }
        JsonNode job = client.submit(GenerateCommand.request("style_mix", model, priority, spec));
        UUID id = UUID.fromString(job.path("id").asText());
        System.out.println("job " + id + " accepted (" + job.path("items").path("total").asLong() + " images: the"
                + " cells and each seed's own)");
        if (!await && download == null) {
            return 0;
        }
        return GenerateCommand.finish(client, id, download);
    }
}
