import Testing

@testable import Config
@testable import Support
@testable import Transport

@Suite("Retry schedule")
struct RetryScheduleTests {
    @Test(
        "5 min, doubling, capped at 2 h",
        arguments: [(1, 300), (2, 600), (3, 1200), (4, 2400), (5, 4800), (6, 7200), (7, 7200), (40, 7200)])
    func delays(deferrals: Int, seconds: Int) {
        #expect(RetrySchedule(DeliverySettings()).delay(afterDeferrals: deferrals) == seconds)
    }

    @Test("a message expires after its lifetime (3 days by default)")
    func lifetime() {
        let schedule = RetrySchedule(DeliverySettings())
        #expect(!schedule.hasExpired(queuedAt: 0, now: 3 * 86_400 - 1))
        #expect(schedule.hasExpired(queuedAt: 0, now: 3 * 86_400))
    }
}
