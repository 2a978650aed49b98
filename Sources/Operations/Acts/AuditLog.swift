import Foundation
import Glibc
package import Store
import Support

/// `<spool>/audit.jsonl`: every operator action attempt, done, refused or failed, one JSON object a
/// line, appended (O_APPEND, one write a line) and flushed before the action's answer is shown.
/// Owner-only; never rewritten or truncated by mailbatch.
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

    /// The entries, oldest first; with `contract`, only that contract's. Lines that cannot be read
    /// (a damaged or foreign line) are left out and counted in `unreadableLines`.
    package func entries(contract: String? = nil) throws -> [AuditEntry] {
        try read().entries.filter { contract == nil || $0.contract == contract }
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
            reason: reason, outcome: outcome)
    }
}
