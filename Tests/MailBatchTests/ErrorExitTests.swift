import Testing

@testable import Commands
@testable import Operations
@testable import Run
@testable import Store
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

    @Test("an operator action: refused → 1, busy → 75, failed → its underlying error's code")
    func operatorActions() throws {
        let refused = try #require(ErrorExit.map(OperatorActionError.refused("give a reason")))
        #expect(refused.message == "give a reason" && refused.code == 1)
        let busy = try #require(ErrorExit.map(OperatorActionError.busy))
        #expect(busy.code == 75 && busy.message.contains("try again"))
        #expect(ErrorExit.map(OperatorActionError.failed(FileSystemError("write", "/spool/x", code: 28)))?.code == 75)
        #expect(ErrorExit.map(OperatorActionError.failed(SpoolFormat.Problem.newer(found: 9, path: "/spool")))?.code == 2)
    }
}
