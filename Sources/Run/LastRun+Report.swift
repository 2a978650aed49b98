package import Store
import Support

extension LastRun {
    /// What a run's report says, for `spool/last-run.json`.
    package init(report: RunReport, exitCode: Int32, startedAt: Int, finishedAt: Int) {
        self.init(
            startedAt: JST.iso8601(epochSeconds: startedAt), finishedAt: JST.iso8601(epochSeconds: finishedAt), exitCode: exitCode,
            issued: report.issued + report.completed, paper: report.paper, rejected: report.rejected, duplicates: report.duplicates,
            sent: report.delivery.sent, deferred: report.delivery.deferred, failed: report.delivery.failed, bounced: report.bounces.bounced,
            stoppedBy: report.stoppedBy, warnings: report.warnings)
    }
}
