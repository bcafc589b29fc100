package io.mlserve.core.schedule;

/**
 * Something mlserve runs on a schedule for one model: {@code train} now, {@code drift} and
 * {@code quality} later — one way of scheduling for all three.
 *
 * @param kind train, drift or quality
 * @param model model name
 */
public record ScheduledTask(String kind, String model) {
    /** The kind that starts training jobs. */
    public static final String TRAIN = "train";
}
