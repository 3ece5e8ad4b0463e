package ai.stylefarm.cli;

import ai.stylefarm.cli.client.GatewayClient;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

    @Mixin
    Rendering rendering;

    @Mixin
    Submission submission;

    @Override
    public Integer call() throws Exception {
        GatewayClient client = farm.client();
        ObjectNode spec = JsonNodeFactory.instance.objectNode().put("row_seeds", rows).put("col_seeds", cols);
        if (styles != null) {
            spec.put("styles", styles);
        }
        rendering.into(spec);
        return submission.submit(client, "style_mix", model, spec);
    }
}
