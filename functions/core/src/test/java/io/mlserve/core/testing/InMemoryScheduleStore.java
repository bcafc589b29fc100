package io.mlserve.core.testing;

import io.mlserve.core.schedule.ScheduleStore;
import io.mlserve.core.schedule.ScheduledTask;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Schedules in memory: task → expression. */
public final class InMemoryScheduleStore implements ScheduleStore {
    private final Map<ScheduledTask, String> schedules = new ConcurrentHashMap<>();

    @Override
    public void put(ScheduledTask task, String expression) {
        schedules.put(task, expression);
    }

    @Override
    public void delete(ScheduledTask task) {
        schedules.remove(task);
    }

    @Override
    public Optional<String> expression(ScheduledTask task) {
        return Optional.ofNullable(schedules.get(task));
    }
}
