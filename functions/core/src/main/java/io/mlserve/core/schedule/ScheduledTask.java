package io.mlserve.core.schedule;

/**
 * Something mlserve runs on a schedule for one model: {@code train}, {@code drift} and later
 * {@code quality} — one way of scheduling for all of them.
 *
 * @param kind train, drift or quality
 * @param model model name
 */
public record ScheduledTask(String kind, String model) {
    /** The kind that starts training jobs. */
    public static final String TRAIN = "train";
    /** The kind that runs a drift check. */
    public static final String DRIFT = "drift";
    /** The kind that runs a quality check. */
    public static final String QUALITY = "quality";
}
