package ai.stylefarm.schemas;

import java.util.List;
import java.util.stream.Collectors;

/** A job spec that failed validation; {@link #errors()} names every offending field. */
public class InvalidSpecException extends IllegalArgumentException {
    private final List<ValidationError> errors;

    public InvalidSpecException(List<ValidationError> errors) {
        super(errors.stream().map(e -> e.field() + ": " + e.message()).collect(Collectors.joining("; ")));
        this.errors = List.copyOf(errors);
    }

    public List<ValidationError> errors() {
        return errors;
    }
}
