package io.mlserve.core.testing;

import io.mlserve.core.training.TrainingTriggers;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The last drift-triggered training start per model, in memory, with the DynamoDB record's conditional rules. */
public final class InMemoryTrainingTriggers implements TrainingTriggers {
    private record Record(Instant startedAt, String claimId) {}

    private final Map<String, Record> records = new HashMap<>();

    @Override
    public synchronized Claim claimDriftStart(String model, String claimId, Instant now, Instant notBefore) {
        var held = records.get(model);
        if (held != null && held.startedAt().isAfter(notBefore)) {
            return new Claim(false, held.startedAt());
        }
        records.put(model, new Record(now, claimId));
        return new Claim(true, held == null ? null : held.startedAt());
    }

    @Override
    public synchronized void releaseDriftStart(String model, String claimId, Instant previous) {
        var held = records.get(model);
        if (held != null && claimId.equals(held.claimId())) {
            if (previous == null) {
                records.remove(model);
            } else {
                records.put(model, new Record(previous, null));
            }
        }
    }

    /**
     * @param model model name
     * @return its last drift-triggered start, if any
     */
    public synchronized Optional<Instant> lastDriftStart(String model) {
        return Optional.ofNullable(records.get(model)).map(Record::startedAt);
    }
}
