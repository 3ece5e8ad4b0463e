package ai.stylefarm.modelkit.inference;

import java.util.Locale;

/** Where ONNX Runtime runs the graphs. AUTO takes CUDA when this build and machine have it, else the CPU. */
public enum ExecutionDevice {
    AUTO, CPU, CUDA;

    public static ExecutionDevice parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("device must be one of auto, cpu, cuda; got '" + text + "'");
        }
    }
}
