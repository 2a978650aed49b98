/// When a deferred message is tried again: the initial delay, doubling per attempt, capped;
/// and when it is given up (its lifetime in the queue).
struct RetrySchedule: Sendable {
    let initialSeconds: Int
    let maxSeconds: Int
    let lifetimeSeconds: Int

    init(_ settings: DeliverySettings) {
        initialSeconds = settings.retryInitialSeconds
        maxSeconds = settings.retryMaxSeconds
        lifetimeSeconds = settings.lifetimeSeconds
    }

    /// The delay after the `deferrals`-th temporary failure (1-based).
    func delay(afterDeferrals deferrals: Int) -> Int {
        var delay = initialSeconds
        for _ in 1..<max(deferrals, 1) {
            delay *= 2
            if delay >= maxSeconds { return maxSeconds }
        }
        return min(delay, maxSeconds)
    }

    func hasExpired(queuedAt: Int, now: Int) -> Bool { now - queuedAt >= lifetimeSeconds }
}
