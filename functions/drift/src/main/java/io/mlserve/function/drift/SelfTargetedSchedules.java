package io.mlserve.function.drift;

import io.mlserve.core.schedule.ScheduleStore;
import io.mlserve.core.schedule.ScheduledTask;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Drift schedules that invoke this function. Its own ARN cannot be in its environment (the template would refer to
 * the function from inside itself), so the store is made when first used, with the ARN the invocation named.
 */
final class SelfTargetedSchedules implements ScheduleStore {
    private final Function<String, ScheduleStore> factory;
    private final Supplier<String> target;
    private ScheduleStore store;

    SelfTargetedSchedules(Function<String, ScheduleStore> factory, Supplier<String> target) {
        this.factory = factory;
        this.target = target;
    }

    private synchronized ScheduleStore store() {
        if (store == null) {
            var arn = target.get();
            if (arn == null || arn.isBlank()) {
                throw new IllegalStateException("this function's ARN is not known yet");
            }
            store = factory.apply(arn);
        }
        return store;
    }

    @Override
    public void put(ScheduledTask task, String expression) {
        store().put(task, expression);
    }

    @Override
    public void delete(ScheduledTask task) {
        store().delete(task);
    }

    @Override
    public Optional<String> expression(ScheduledTask task) {
        return store().expression(task);
    }
}
