package io.mlserve.core.testing;

import io.mlserve.core.training.TrainingLock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Training locks in memory with the DynamoDB lock's rules: one holder per model; a lock older than {@link #STALE_AFTER} may be taken over. */
public final class InMemoryTrainingLock implements TrainingLock {
    /** Same as the DynamoDB lock's. */
    public static final Duration STALE_AFTER = Duration.ofMinutes(60);

    private record Held(String jobId, Instant acquiredAt) {}

    private final Map<String, Held> locks = new HashMap<>();

    @Override
    public synchronized Optional<String> acquire(String model, String jobId, Instant now) {
        var held = locks.get(model);
        if (held != null && held.acquiredAt().isAfter(now.minus(STALE_AFTER))) {
            return Optional.of(held.jobId());
        }
        locks.put(model, new Held(jobId, now));
        return Optional.empty();
    }

    @Override
    public synchronized void release(String model, String jobId) {
        locks.computeIfPresent(model, (m, held) -> held.jobId().equals(jobId) ? null : held);
    }

    /**
     * @param model model name
     * @return the job holding its lock, if any
     */
    public synchronized Optional<String> holder(String model) {
        return Optional.ofNullable(locks.get(model)).map(Held::jobId);
    }
}
