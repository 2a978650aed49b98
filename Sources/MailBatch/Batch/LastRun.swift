import Foundation

/// What the last `mailbatch run` did, kept in `spool/last-run.json` for `mailbatch status`.
struct LastRun: Codable, Sendable, Equatable {
    var startedAt: String
    var finishedAt: String
    var exitCode: Int32
    var issued: Int
    var paper: Int
    var rejected: Int
    var duplicates: Int
    var sent: Int
    var deferred: Int
    var failed: Int
    var bounced: Int?
    var stoppedBy: String?
    var warnings: [String]

    enum CodingKeys: String, CodingKey {
        case issued, paper, rejected, duplicates, sent, deferred, failed, bounced, warnings
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case exitCode = "exit_code"
        case stoppedBy = "stopped_by"
    }

    init(report: RunReport, exitCode: Int32, startedAt: Int, finishedAt: Int) {
        self.startedAt = JST.iso8601(epochSeconds: startedAt)
        self.finishedAt = JST.iso8601(epochSeconds: finishedAt)
        self.exitCode = exitCode
        issued = report.issued + report.completed
        paper = report.paper
        rejected = report.rejected
        duplicates = report.duplicates
        sent = report.delivery.sent
        deferred = report.delivery.deferred
        failed = report.delivery.failed
        bounced = report.bounces.bounced
        stoppedBy = report.stoppedBy
        warnings = report.warnings
    }

    static func path(_ spool: Spool) -> String { spool.root + "/last-run.json" }

    static func load(_ spool: Spool) -> LastRun? {
        guard let bytes = try? PosixFS.read(path(spool)) else { return nil }
        return try? JSONDecoder().decode(LastRun.self, from: Data(bytes))
    }
}
