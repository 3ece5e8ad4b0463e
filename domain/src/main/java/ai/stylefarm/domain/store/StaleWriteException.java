package ai.stylefarm.domain.store;

/** A compare-and-set found the row changed since it was read; the caller's transaction must roll back. */
public class StaleWriteException extends RuntimeException {
    public StaleWriteException(String message) {
        super(message);
    }
}
