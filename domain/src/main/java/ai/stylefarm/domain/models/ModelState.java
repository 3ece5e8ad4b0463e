package ai.stylefarm.domain.models;

/** A model's registration: IMPORTING while the gateway converts it, then READY, or FAILED with the reason. */
public enum ModelState {
    IMPORTING, READY, FAILED;

    /** As an SQL literal, for {@code state = }. */
    public String sql() {
        return "'" + name() + "'";
    }
}
