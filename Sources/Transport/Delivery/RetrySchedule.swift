package import Config

/// When a deferred message is tried again: the initial delay, doubling per attempt, capped;
/// and when it is given up (its lifetime in the queue).
package struct RetrySchedule: Sendable {
    package let initialSeconds: Int
    package let maxSeconds: Int
    package let lifetimeSeconds: Int

    package init(_ settings: DeliverySettings) {
        initialSeconds = settings.retryInitialSeconds
        maxSeconds = settings.retryMaxSeconds
        lifetimeSeconds = settings.lifetimeSeconds
    }

    /// The delay after the `deferrals`-th temporary failure (1-based).
    package func delay(afterDeferrals deferrals: Int) -> Int {
        var delay = initialSeconds
        for _ in 1..<max(deferrals, 1) {
            delay *= 2
            if delay >= maxSeconds { return maxSeconds }
        }
        return min(delay, maxSeconds)
    }

    package func hasExpired(queuedAt: Int, now: Int) -> Bool { now - queuedAt >= lifetimeSeconds }
}
