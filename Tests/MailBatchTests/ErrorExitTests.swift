import Testing

@testable import Commands
@testable import Run
@testable import Support

/// The command layer is the one place a run's outcome becomes the exit code cron sees.
@Suite("ErrorExit") struct ErrorExitTests {
    @Test("a run's outcome maps to the README's exit codes")
    func runOutcomes() {
        #expect(ErrorExit.code(for: .handled) == 0)
        #expect(ErrorExit.code(for: .attention) == 1)
        #expect(ErrorExit.code(for: .configuration) == 2)
        #expect(ErrorExit.code(for: .temporary) == 75)
        var report = RunReport()
        #expect(report.outcome == .handled && report.isQuiet)
        report.delivery.deferred = 1
        #expect(report.outcome == .temporary)
        report.rejected = 1
        #expect(report.outcome == .attention, "a person is needed, even when mail was deferred too")
    }
}
