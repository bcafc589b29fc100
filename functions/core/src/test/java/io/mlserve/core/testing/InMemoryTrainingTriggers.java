package io.mlserve.core.testing;

import io.mlserve.core.training.TrainingTriggers;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The last training start per signal and model, in memory, with the DynamoDB record's conditional rules. */
public final class InMemoryTrainingTriggers implements TrainingTriggers {
    private record Record(Instant startedAt, String claimId) {}

    private final Map<String, Record> records = new HashMap<>();

    @Override
    public synchronized Claim claimStart(String signal, String model, String claimId, Instant now, Instant notBefore) {
        var key = signal + "#" + model;
        var held = records.get(key);
        if (held != null && held.startedAt().isAfter(notBefore)) {
            return new Claim(false, held.startedAt());
        }
        records.put(key, new Record(now, claimId));
        return new Claim(true, held == null ? null : held.startedAt());
    }

    @Override
    public synchronized void releaseStart(String signal, String model, String claimId, Instant previous) {
        var key = signal + "#" + model;
        var held = records.get(key);
        if (held != null && claimId.equals(held.claimId())) {
            if (previous == null) {
                records.remove(key);
            } else {
                records.put(key, new Record(previous, null));
            }
        }
    }

    /**
     * @param model model name
     * @return its last drift-triggered start, if any
     */
    public synchronized Optional<Instant> lastDriftStart(String model) {
        return lastStart("drift", model);
    }

    /**
     * @param signal drift or quality
     * @param model model name
     * @return its last start by the signal, if any
     */
    public synchronized Optional<Instant> lastStart(String signal, String model) {
        return Optional.ofNullable(records.get(signal + "#" + model)).map(Record::startedAt);
    }
}
