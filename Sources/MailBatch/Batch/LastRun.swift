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

    init(
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

    static func path(_ spool: Spool) -> String { spool.root + "/last-run.json" }

    static func load(_ spool: Spool) -> LastRun? {
        guard let bytes = try? PosixFS.read(path(spool)) else { return nil }
        return try? JSONDecoder().decode(LastRun.self, from: Data(bytes))
    }
}
