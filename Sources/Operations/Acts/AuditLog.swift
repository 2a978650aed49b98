import Foundation
import Glibc
package import Store
import Support

/// `<spool>/audit.jsonl`: every operator action attempt, done, refused or failed, one JSON object a
/// line, appended (O_APPEND, one write a line) and flushed before the action's answer is shown.
/// An action that gets past its reason check writes two lines with one id: `started` before anything
/// changes, then its outcome; so an action cut off by a kill is still in the log. Readers see one entry
/// an attempt (`entries`). Owner-only; never rewritten or truncated by mailbatch.
package struct AuditLog: Sendable {
    package let spool: Spool

    package init(spool: Spool) {
        self.spool = spool
    }

    package var path: String { spool.auditLog }

    package func append(_ entry: AuditEntry) throws {
        try PosixFS.makeDirectory(spool.root)
        try PosixFS.appendLine(Self.line(entry), to: path)
    }

    /// The attempts, oldest first; with `contract`, only that contract's. An action's `started` line
    /// and its outcome line are one entry (at the start's time, with the outcome); a start without an
    /// outcome reads `AuditEntry.noOutcome`. Lines that cannot be read (a damaged or foreign line) are
    /// left out and counted in `unreadableLines`.
    package func entries(contract: String? = nil) throws -> [AuditEntry] {
        Self.merged(try read().entries).filter { contract == nil || $0.contract == contract }
    }

    /// One entry an attempt: each id's first line, with the outcome of its last line.
    package static func merged(_ lines: [AuditEntry]) -> [AuditEntry] {
        var out: [AuditEntry] = []
        var position: [String: Int] = [:]
        for line in lines {
            guard let id = line.id else {
                out.append(line)
                continue
            }
            if let i = position[id] {
                if line.outcome != AuditEntry.started { out[i].outcome = line.outcome }
            } else {
                position[id] = out.count
                var first = line
                if first.outcome == AuditEntry.started { first.outcome = AuditEntry.noOutcome }
                out.append(first)
            }
        }
        return out
    }

    /// How many lines of the log could not be read as an entry.
    package func unreadableLines() throws -> Int { try read().unreadable }

    private func read() throws -> (entries: [AuditEntry], unreadable: Int) {
        guard PosixFS.exists(path) else { return ([], 0) }
        var entries: [AuditEntry] = []
        var unreadable = 0
        for line in try PosixFS.read(path).split(separator: UInt8(ascii: "\n")) where !line.allSatisfy({ $0 == UInt8(ascii: " ") }) {
            if let entry = Self.decode(Array(line)) { entries.append(entry) } else { unreadable += 1 }
        }
        return (entries, unreadable)
    }

    /// One line of canonical JSON; U+2028 and U+2029 escaped too, so that no reader splits the line.
    package static func line(_ entry: AuditEntry) throws -> String {
        try JSONValue.from(entry).canonical
            .replacingOccurrences(of: "\u{2028}", with: "\\u2028")
            .replacingOccurrences(of: "\u{2029}", with: "\\u2029")
    }

    private static func decode(_ bytes: [UInt8]) -> AuditEntry? {
        guard case .object(let members)? = try? StrictJSONParser.parse(bytes) else { return nil }
        func text(_ key: String) -> String? { if case .string(let s)? = members[key] { s } else { nil } }
        guard let at = text("at"), let actor = text("actor"), let channel = text("channel"), let address = text("address"),
            let action = text("action"), let reason = text("reason"), let outcome = text("outcome")
        else { return nil }
        return AuditEntry(
            at: at, actor: actor, channel: channel, address: address, action: action, contract: text("contract"), target: text("target"),
            reason: reason, outcome: outcome, id: text("id"))
    }
}
