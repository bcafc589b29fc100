package io.mlserve.core.schedule;

import java.util.Optional;

/**
 * Run-time schedules (EventBridge Scheduler in production): created, changed and deleted by API calls, no redeploy.
 * A firing invokes the kind's target with {@code {"action": "start", "kind": ..., "model": ..., "trigger": "schedule"}}.
 */
public interface ScheduleStore {

    /**
     * Creates or updates the task's schedule.
     *
     * @param task what runs
     * @param expression a checked {@code rate(...)} or {@code cron(...)} expression
     */
    void put(ScheduledTask task, String expression);

    /**
     * Deletes the task's schedule (no-op when there is none).
     *
     * @param task what ran
     */
    void delete(ScheduledTask task);

    /**
     * @param task what runs
     * @return the schedule's expression, if one exists
     */
    Optional<String> expression(ScheduledTask task);
}
