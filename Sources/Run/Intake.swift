package import Logging
import Model
package import Store
package import Support

/// Moves files from `incoming/` into `processing/`, one at a time, by atomic rename. Hidden names
/// (a leading `.`, an upstream writer's temp file) and names not ending in `.json` are left alone.
package struct Intake: Sendable {
    package let spool: Spool
    package let logger: Logger
    package let now: @Sendable () -> Int

    package enum Claim {
        /// The file is now at `processing/<name>`.
        case claimed(String)
        /// The name itself was unusable; the entry went straight to `rejected/`.
        case rejectedName
        case skipped
    }

    package func candidates() throws(FileSystemError) -> [[UInt8]] {
        try PosixFS.listRaw(spool.incoming).filter { name in
            name.first != UInt8(ascii: ".") && name.count > 5 && name.suffix(5).elementsEqual(".json".utf8)
        }
    }

    package func claim(_ raw: [UInt8]) throws(FileSystemError) -> Claim {
        guard let name = String(validating: raw, as: UTF8.self), !name.unicodeScalars.contains(where: FieldReader.isForbidden) else {
            return try rejectName(raw)
        }
        if PosixFS.exists("\(spool.processing)/\(name)") {
            logger.warning("left in incoming/: a file of the same name is still being processed", metadata: ["file": "\(name)"])
            return .skipped
        }
        try PosixFS.move("\(spool.incoming)/\(name)", to: "\(spool.processing)/\(name)")
        return .claimed(name)
    }

    /// A name that is not UTF-8 or holds a control character cannot be shown or logged safely:
    /// the entry is renamed to a safe name in `rejected/`, and the note gives the original bytes.
    private func rejectName(_ raw: [UInt8]) throws(FileSystemError) -> Claim {
        let hex = raw.hexString
        let safe = spool.freeName("unreadable-name-\(hex.prefix(32)).json", in: spool.rejected)
        let note = SpoolNotes.rejection(
            file: safe,
            issues: [
                ValidationIssue(
                    path: "$",
                    expected:
                        "the file name is not valid UTF-8 or contains a control character (original name bytes: \(hex)); name files with printable UTF-8 only")
            ],
            at: JST.iso8601(epochSeconds: now()))
        try spool.write(note, to: "\(spool.rejected)/\(safe).error.txt")
        try PosixFS.moveRaw(spool.incoming, raw, to: "\(spool.rejected)/\(safe)")
        logger.warning("rejected an unreadable file name", metadata: ["renamed": "\(safe)"])
        return .rejectedName
    }
}
