package io.github.llava4j.finetune.teacher;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Retries a model call on transient errors: any {@link RuntimeException} from the call is retried up to
 * {@code maxRetries} times, waiting {@code initialBackoff}, then twice that, and so on (capped at one minute).
 */
public record RetryPolicy(int maxRetries, Duration initialBackoff) {
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

    public RetryPolicy {
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must be >= 0, got " + maxRetries);
        }
        if (initialBackoff == null || initialBackoff.isNegative()) {
            throw new IllegalArgumentException("initialBackoff must be >= 0, got " + initialBackoff);
        }
    }

    /** Three retries starting at one second: suits hosted APIs' rate limits. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(3, Duration.ofSeconds(1));
    }

    /** Runs {@code call}; the last error is rethrown once the retries are spent. */
    public <T> T call(Supplier<T> call) {
        Duration wait = initialBackoff;
        for (int attempt = 0; ; attempt++) {
            try {
                return call.get();
            } catch (RuntimeException e) {
                if (attempt >= maxRetries) {
                    throw e;
                }
            }
            try {
                Thread.sleep(wait.toMillis());
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while backing off before a retry", ie);
            }
            wait = wait.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait.multipliedBy(2);
        }
    }
}
