package ai.stylefarm.modelkit;

/** A model file that cannot become a bundle. The message says what was found and what is supported. */
public class ModelImportException extends RuntimeException {
    public ModelImportException(String message) {
        super(message);
    }

    public ModelImportException(String message, Throwable cause) {
        super(message, cause);
    }
}
