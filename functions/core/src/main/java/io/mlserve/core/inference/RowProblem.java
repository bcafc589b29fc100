package io.mlserve.core.inference;

/**
 * Why one row was refused: one feature's value, or the row as a whole.
 *
 * @param feature the feature concerned, or null for the row as a whole
 * @param reason stable code: {@code MISSING_FEATURE}, {@code UNKNOWN_FEATURE}, {@code WRONG_TYPE},
 *     {@code NOT_FINITE}, {@code OUT_OF_RANGE}, {@code NOT_ALLOWED}, {@code NOT_AN_OBJECT}
 * @param message what is wrong, for the caller
 */
public record RowProblem(String feature, String reason, String message) {}
