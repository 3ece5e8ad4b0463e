package ai.stylefarm.modelkit.bundle;

/** A bundle directory that is incomplete, altered or does not render. */
public class BundleException extends RuntimeException {
    public BundleException(String message) {
        super(message);
    }

    public BundleException(String message, Throwable cause) {
        super(message, cause);
    }
}
