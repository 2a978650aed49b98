package import Operations
package import Support

/// The Prometheus text format (version 0.0.4) for node_exporter's textfile collector, written after
/// every run, idle ones included, to `[metrics] textfile`: atomically, through a temp file in the
/// same folder, so the collector never reads half a file. Never a key: only counts and times.
package struct RunMetrics {
    package let report: RunReport
    package let inventory: SpoolInventory?
    package let finishedAt: Int
    package let durationSeconds: Double
    /// The oldest message still in the outbox, in seconds, 0 when none waits.
    package let oldestWaitingAge: Int

    package var text: String {
        var out = ""
        func metric(_ name: String, _ help: String, _ type: String, _ samples: [(String, String)]) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            for (labels, value) in samples { out += "\(name)\(labels) \(value)\n" }
        }
        metric("mailbatch_last_run_timestamp_seconds", "When the last mailbatch run finished (Unix time).", "gauge", [("", "\(finishedAt)")])
        metric(
            "mailbatch_last_run_success", "1 when the last run handled everything (exit 0), else 0.", "gauge",
            [("", report.outcome == .handled ? "1" : "0")])
        metric("mailbatch_last_run_duration_seconds", "How long the last run took.", "gauge", [("", String(format3(durationSeconds)))])
        metric(
            "mailbatch_records_total", "Records the last run took in, by outcome.", "gauge",
            [
                ("{outcome=\"issued\"}", "\(report.issued + report.completed)"), ("{outcome=\"paper\"}", "\(report.paper)"),
                ("{outcome=\"rejected\"}", "\(report.rejected)"), ("{outcome=\"duplicate\"}", "\(report.duplicates)"),
                ("{outcome=\"amended\"}", "\(report.amended)"), ("{outcome=\"cancelled\"}", "\(report.cancelled)"),
                ("{outcome=\"held\"}", "\(report.held)"),
            ])
        if let inventory {
            metric(
                "mailbatch_messages", "Messages in the spool, by state.", "gauge",
                [
                    ("{state=\"queued\"}", "\(inventory.queued)"), ("{state=\"deferred\"}", "\(inventory.deferred)"),
                    ("{state=\"sent\"}", "\(inventory.sent)"), ("{state=\"failed\"}", "\(inventory.failed)"),
                    ("{state=\"bounced\"}", "\(inventory.bounced)"),
                ])
            metric(
                "mailbatch_contract_versions", "Changes issued, contracts cancelled, and records waiting for their predecessor, in the spool.",
                "gauge",
                [
                    ("{kind=\"amendment\"}", "\(inventory.amendments)"), ("{kind=\"cancellation\"}", "\(inventory.cancelled)"),
                    ("{kind=\"waiting\"}", "\(inventory.waiting.count)"),
                ])
        }
        metric(
            "mailbatch_oldest_waiting_message_age_seconds", "Age of the oldest message still waiting in the outbox (0 when none).", "gauge",
            [("", "\(oldestWaitingAge)")])
        return out
    }

    private func format3(_ value: Double) -> String {
        let millis = Int((value * 1000).rounded())
        return "\(millis / 1000).\(String(millis % 1000).leftPadded(to: 3))"
    }

    /// Writes the file atomically next to its final name.
    package func write(to path: String) throws(FileSystemError) {
        try PosixFS.writeAtomically(Array(text.utf8), to: path, tempFolder: PosixFS.parentPath(path), mode: 0o644)
    }

    package init(report: RunReport, inventory: SpoolInventory?, finishedAt: Int, durationSeconds: Double, oldestWaitingAge: Int) {
        self.report = report
        self.inventory = inventory
        self.finishedAt = finishedAt
        self.durationSeconds = durationSeconds
        self.oldestWaitingAge = oldestWaitingAge
    }
}
