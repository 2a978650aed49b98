import Foundation
import Support

/// What the last `mailbatch run` did, kept in `spool/last-run.json` for `mailbatch status`.
package struct LastRun: Codable, Sendable, Equatable {
    package var startedAt: String
    package var finishedAt: String
    package var exitCode: Int32
    package var issued: Int
    package var paper: Int
    package var rejected: Int
    package var duplicates: Int
    package var sent: Int
    package var deferred: Int
    package var failed: Int
    package var bounced: Int?
    package var stoppedBy: String?
    package var warnings: [String]

    package enum CodingKeys: String, CodingKey {
        case issued, paper, rejected, duplicates, sent, deferred, failed, bounced, warnings
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case exitCode = "exit_code"
        case stoppedBy = "stopped_by"
    }

    package init(
        startedAt: String, finishedAt: String, exitCode: Int32, issued: Int, paper: Int, rejected: Int, duplicates: Int, sent: Int,
        deferred: Int, failed: Int, bounced: Int?, stoppedBy: String?, warnings: [String]
    ) {
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.exitCode = exitCode
        self.issued = issued
        self.paper = paper
        self.rejected = rejected
        self.duplicates = duplicates
        self.sent = sent
        self.deferred = deferred
        self.failed = failed
        self.bounced = bounced
        self.stoppedBy = stoppedBy
        self.warnings = warnings
    }

    package static func path(_ spool: Spool) -> String { spool.root + "/last-run.json" }

    package static func load(_ spool: Spool) -> LastRun? {
        guard let bytes = try? PosixFS.read(path(spool)) else { return nil }
        return try? JSONDecoder().decode(LastRun.self, from: Data(bytes))
    }
}
