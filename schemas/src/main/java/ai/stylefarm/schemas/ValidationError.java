package ai.stylefarm.schemas;

/**
 * One problem with a request, for an {@code application/problem+json} answer.
 *
 * @param field the JSON property at fault, relative to the validated object, e.g. {@code seeds} or {@code seeds[3]}
 * @param message what is wrong, fit to show a user
 */
public record ValidationError(String field, String message) {
}
