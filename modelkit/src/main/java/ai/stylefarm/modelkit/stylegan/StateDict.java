package ai.stylefarm.modelkit.stylegan;

import ai.stylefarm.modelkit.ModelImportException;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Generator weights keyed by the parameter names of NVIDIA's {@code Generator.state_dict()}
 * (e.g. {@code mapping.fc0.weight}, {@code synthesis.b8.conv0.noise_const}). Every importer converts to these names,
 * so the graph builder has one vocabulary.
 */
public final class StateDict {
    private final Map<String, Tensor> tensors;

    public StateDict(Map<String, Tensor> tensors) {
        this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    public Set<String> keys() {
        return tensors.keySet();
    }

    public boolean has(String key) {
        return tensors.containsKey(key);
    }

    public Map<String, Tensor> asMap() {
        return tensors;
    }

    /** The tensor under {@code key}, which must exist and have exactly {@code shape}. */
    public Tensor require(String key, int... shape) {
        Tensor t = tensors.get(key);
        if (t == null) {
            throw new ModelImportException("missing key '" + key + "' in the generator's state dict");
        }
        if (!t.hasShape(shape)) {
            throw new ModelImportException("shape mismatch for '" + key + "': found " + t.shapeString()
                    + ", the config expects " + Arrays.toString(shape));
        }
        return t;
    }
}
