package io.mlserve.aws;

import io.mlserve.core.json.Json;
import io.mlserve.core.model.ManifestChecks;
import io.mlserve.core.schedule.ScheduleStore;
import io.mlserve.core.schedule.ScheduledTask;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.scheduler.model.ConflictException;
import software.amazon.awssdk.services.scheduler.model.FlexibleTimeWindowMode;
import software.amazon.awssdk.services.scheduler.model.ResourceNotFoundException;
import software.amazon.awssdk.services.scheduler.model.ScheduleState;
import software.amazon.awssdk.services.scheduler.model.Target;

/**
 * Run-time schedules in EventBridge Scheduler, one per task in the stack's schedule group, named
 * {@code <kind>-<model>} ({@link #name}). A firing invokes the kind's function with
 * {@code {"action": "start", "kind": ..., "model": ..., "trigger": "schedule"}} under the scheduler's role.
 * Schedules fire at their exact time (flexible window off).
 */
public final class EventBridgeSchedulerStore implements ScheduleStore {
    /** Longest schedule name EventBridge Scheduler accepts. */
    static final int MAX_NAME_LENGTH = 64;

    private final SchedulerClient scheduler;
    private final String group;
    private final Map<String, String> targetArns;
    private final String roleArn;

    /**
     * @param scheduler client
     * @param group schedule group name (the stack's)
     * @param targetArns the function ARN each task kind's schedules invoke (e.g. {@code train} → the train function)
     * @param roleArn the role EventBridge Scheduler assumes to invoke them
     */
    public EventBridgeSchedulerStore(SchedulerClient scheduler, String group, Map<String, String> targetArns, String roleArn) {
        this.scheduler = scheduler;
        this.group = group;
        this.targetArns = Map.copyOf(targetArns);
        this.roleArn = roleArn;
    }

    /**
     * @param task a task
     * @return {@code <kind>-<model>}; when that is longer than {@value #MAX_NAME_LENGTH} characters, its first 55
     *     characters, {@code -} and the first 8 hex digits of its sha256 (so two long names stay apart)
     */
    public static String name(ScheduledTask task) {
        var name = task.kind() + "-" + task.model();
        if (name.length() <= MAX_NAME_LENGTH) {
            return name;
        }
        return name.substring(0, 55) + "-" + ManifestChecks.sha256Hex(name.getBytes(StandardCharsets.UTF_8)).substring(0, 8);
    }

    /**
     * @param task a task
     * @return the JSON the schedule passes to its target
     */
    static String input(ScheduledTask task) {
        var input = new LinkedHashMap<String, Object>();
        input.put("action", "start");
        input.put("kind", task.kind());
        input.put("model", task.model());
        input.put("trigger", "schedule");
        return Json.write(input);
    }

    @Override
    public void put(ScheduledTask task, String expression) {
        var arn = targetArns.get(task.kind());
        if (arn == null) {
            throw new IllegalArgumentException("no schedule target is configured for task kind '" + task.kind() + "'");
        }
        var target = Target.builder().arn(arn).roleArn(roleArn).input(input(task)).build();
        var description = "mlserve: " + task.kind() + " model '" + task.model() + "'";
        try {
            scheduler.createSchedule(b -> b.groupName(group).name(name(task)).scheduleExpression(expression)
                    .flexibleTimeWindow(w -> w.mode(FlexibleTimeWindowMode.OFF)).target(target).state(ScheduleState.ENABLED)
                    .description(description));
        } catch (ConflictException e) {
            // it exists: an update replaces every field, so the result is the same as a fresh create
            scheduler.updateSchedule(b -> b.groupName(group).name(name(task)).scheduleExpression(expression)
                    .flexibleTimeWindow(w -> w.mode(FlexibleTimeWindowMode.OFF)).target(target).state(ScheduleState.ENABLED)
                    .description(description));
        }
    }

    @Override
    public void delete(ScheduledTask task) {
        try {
            scheduler.deleteSchedule(b -> b.groupName(group).name(name(task)));
        } catch (ResourceNotFoundException e) {
            // none to delete
        }
    }

    @Override
    public Optional<String> expression(ScheduledTask task) {
        try {
            return Optional.ofNullable(scheduler.getSchedule(b -> b.groupName(group).name(name(task))).scheduleExpression());
        } catch (ResourceNotFoundException e) {
            return Optional.empty();
        }
    }
}
