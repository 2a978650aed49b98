package import Support

/// A revocation (失効) as one act of the store: the signed revoked certificate and the history line
/// go into the journal first (`journal/revoke-<番号>`), then the certificate is put in place, every
/// queued mail of the contract is dropped and the history line written. A kill at any point leaves
/// either nothing changed or an entry that the next run (or the next revoke) finishes: a revoked
/// contract's mail never stays queued.
extension ContractStore {
    private func revokeEntry(_ number: String) -> String { "\(spool.journal)/revoke-\(number)" }

    /// - Parameters:
    ///   - certificate: the signed certificate in its revoked state.
    ///   - history: the line for `history.log` (with its time).
    /// - Returns: the outbox entries that were dropped.
    package func revoke(_ number: String, certificate: [UInt8], history: String) throws(FileSystemError) -> [String] {
        precondition(!history.contains("\n"), "one history line")
        try PosixFS.makeDirectory(spool.journal)
        try spool.write(Array((history + "\n").utf8) + certificate, to: revokeEntry(number))
        return try finishRevocation(number)
    }

    /// Finishes a revocation a kill cut short, if one of this contract is pending; nil if none is.
    package func finishPendingRevocation(_ number: String) throws(FileSystemError) -> [String]? {
        PosixFS.exists(revokeEntry(number)) ? try finishRevocation(number) : nil
    }

    /// Finishes a revocation from its journal entry; safe to repeat at every step.
    package func finishRevocation(_ number: String) throws(FileSystemError) -> [String] {
        let path = revokeEntry(number)
        let bytes = try PosixFS.read(path)
        guard let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) else {
            // A damaged entry (never written by this code, the write is atomic): nothing to finish.
            try PosixFS.remove(path)
            return []
        }
        let line = String(decoding: bytes[..<newline], as: UTF8.self)
        let certificate = Array(bytes[(newline + 1)...])
        let folder = ContractFolder(path: spool.contractFolder(number))
        if (try? PosixFS.read(folder.certificate)) != certificate { try spool.write(certificate, to: folder.certificate) }
        let dropped = try dropQueued(number)
        let history = (try? PosixFS.read(folder.history)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        if !history.split(separator: "\n").contains(Substring(line)) { try PosixFS.appendLine(line, to: folder.history) }
        try PosixFS.remove(path)
        return dropped
    }
}
