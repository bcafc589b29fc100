package io.mlserve.core.training;

import java.util.List;

/**
 * One hyper-parameter of an {@link Algorithm}.
 *
 * @param name spec key
 * @param type {@code integer}, {@code number} or {@code string}
 * @param defaultValue used when the spec leaves it out
 * @param min inclusive lower bound for numbers, or null
 * @param max inclusive upper bound for numbers, or null
 * @param values the allowed strings, or null
 * @param description what it does, for the README and errors
 */
public record ParamSpec(String name, String type, Object defaultValue, Double min, Double max, List<String> values, String description) {}
