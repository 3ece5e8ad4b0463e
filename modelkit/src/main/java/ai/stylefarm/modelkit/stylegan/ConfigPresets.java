package ai.stylefarm.modelkit.stylegan;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Named generator configs for {@code models init}. The paper configs follow stylegan2-ada-pytorch's train.py
 * (z/w 512, 8 mapping layers, lr multiplier 0.01, conv_clamp 256); the small ones exist for tests and demos.
 */
public final class ConfigPresets {
    private static final OptionalDouble CLAMP = OptionalDouble.of(256);
    private static final Map<String, GeneratorConfig> PRESETS = new LinkedHashMap<>();

    static {
        PRESETS.put("tiny32", new GeneratorConfig(64, 64, 0, 4, 0.01, 32, 3, 1024, 64, CLAMP));
        PRESETS.put("small64", new GeneratorConfig(128, 128, 0, 4, 0.01, 64, 3, 4096, 128, CLAMP));
        PRESETS.put("cifar", new GeneratorConfig(512, 512, 10, 2, 0.01, 32, 3, 32768, 512, CLAMP));
        PRESETS.put("paper256", new GeneratorConfig(512, 512, 0, 8, 0.01, 256, 3, 32768, 512, CLAMP));
        PRESETS.put("paper512", new GeneratorConfig(512, 512, 0, 8, 0.01, 512, 3, 32768, 512, CLAMP));
        PRESETS.put("config-f", new GeneratorConfig(512, 512, 0, 8, 0.01, 1024, 3, 32768, 512, CLAMP));
    }

    private ConfigPresets() {}

    public static GeneratorConfig get(String name) {
        GeneratorConfig c = PRESETS.get(name);
        if (c == null) {
            throw new IllegalArgumentException("unknown config '" + name + "'; known: " + String.join(", ", names()));
        }
        return c;
    }

    public static Iterable<String> names() {
        return PRESETS.keySet();
    }
}
