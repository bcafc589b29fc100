package io.mlserve.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The strict reading the drift and quality configs share: each helper adds what is wrong to {@code problems}, naming
 * the field path, so that a config's problems are all refused together. Not public API.
 */
public final class ConfigFields {
    private static final Pattern RATE = Pattern.compile("rate\\((\\d{1,6}) (minute|minutes|hour|hours|day|days)\\)");
    private static final Pattern CRON = Pattern.compile("cron\\(([^()]+)\\)");

    private ConfigFields() {}

    /**
     * @param body the config object
     * @param fallback the schedule when {@code schedule} is absent
     * @param problems where a problem is added, prefixed {@code schedule:}
     * @return the trimmed {@code schedule} (checked as EventBridge Scheduler would), or {@code fallback} when absent or not a string
     */
    public static String schedule(JsonNode body, String fallback, List<String> problems) {
        var node = body.get("schedule");
        if (node == null) {
            return fallback;
        }
        if (!node.isTextual()) {
            problems.add("schedule: must be a string such as \"rate(1 hour)\" or \"cron(0 * * * ? *)\"");
            return fallback;
        }
        var schedule = node.textValue().trim();
        checkSchedule(schedule, problems);
        return schedule;
    }

    /**
     * Checks a schedule expression as EventBridge Scheduler would.
     *
     * @param schedule {@code rate(...)} or {@code cron(...)}
     * @param problems where a problem is added, prefixed {@code schedule:}
     */
    public static void checkSchedule(String schedule, List<String> problems) {
        var rate = RATE.matcher(schedule);
        if (rate.matches()) {
            long value = Long.parseLong(rate.group(1));
            boolean singular = !rate.group(2).endsWith("s");
            if (value < 1) {
                problems.add("schedule: a rate must be at least 1");
            } else if (singular != (value == 1)) {
                // EventBridge Scheduler's own rule: rate(1 hour), rate(2 hours)
                problems.add("schedule: write rate(1 " + rate.group(2).replaceAll("s$", "") + ") or rate(" + value + " "
                        + (rate.group(2).endsWith("s") ? rate.group(2) : rate.group(2) + "s") + ")");
            }
            return;
        }
        var cron = CRON.matcher(schedule);
        if (cron.matches()) {
            int fields = cron.group(1).trim().split("\\s+").length;
            if (fields != 6) {
                problems.add("schedule: a cron expression has 6 fields (minutes hours day-of-month month day-of-week year), not "
                        + fields);
            }
            return;
        }
        problems.add("schedule: must be rate(<n> <minutes|hours|days>) or cron(<6 fields>), not \"" + schedule + "\"");
    }

    /** @return {@code field} of {@code node} when a boolean; {@code fallback} when absent or (a problem) not a boolean */
    public static boolean bool(JsonNode node, String field, boolean fallback, List<String> problems) {
        var value = node.get(field);
        if (value == null) {
            return fallback;
        }
        if (!value.isBoolean()) {
            problems.add(field + ": must be true or false");
            return fallback;
        }
        return value.booleanValue();
    }

    /** Adds a problem for each field of {@code node} not in {@code known}, its path {@code prefix + name}. */
    public static void unknownFields(JsonNode node, Set<String> known, String prefix, List<String> problems) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                problems.add(prefix + name + ": unknown field (expected " + known.stream().sorted().collect(Collectors.joining(", ")) + ")");
            }
        }
    }

    /** @return {@code field} of {@code node} when an integer from {@code min} to {@code max}; null when absent or (a problem) not */
    public static Integer integer(JsonNode node, String field, String path, int min, int max, List<String> problems) {
        var value = node.get(field);
        if (value == null) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < min || value.intValue() > max) {
            problems.add(path + ": must be an integer from " + min + " to " + max);
            return null;
        }
        return value.intValue();
    }
}
