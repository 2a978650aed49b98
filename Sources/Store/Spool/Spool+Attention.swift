package import Model
package import Support

/// A recipient that refused or bounced a message the other recipients received (a contractor's
/// address in Cc of the orderer's mail): the message counts as sent, so the problem is kept as a note
/// in `attention/` for `status` and the operator summary, until the operator re-sends that mail.
extension Spool {
    /// `attention/R07-4621-000123.orderer.<hash of the address>.txt` (`…v2.orderer.…` for a later version)
    package func recipientNote(_ key: MessageKey, recipient: String) -> String {
        "\(attention)/\(key).\(SHA256Hex.of(Array(recipient.lowercased().utf8)).prefix(12)).txt"
    }

    package func noteRecipientProblem(_ key: MessageKey, recipient: String, what: String) throws(FileSystemError) {
        try PosixFS.makeDirectory(attention)
        try write("\(recipient)\n\(what)\n", to: recipientNote(key, recipient: recipient))
    }

    /// Called when the operator re-sends that mail.
    package func clearRecipientProblems(_ key: MessageKey) throws(FileSystemError) {
        guard PosixFS.isDirectory(attention) else { return }
        for file in try PosixFS.list(attention) where file.hasPrefix("\(key).") {
            try PosixFS.remove("\(attention)/\(file)")
        }
    }

    /// Every note: (file, recipient, what happened).
    package func recipientProblems() throws(FileSystemError) -> [(file: String, recipient: String, what: String)] {
        guard PosixFS.isDirectory(attention) else { return [] }
        return try PosixFS.list(attention).filter { $0.hasSuffix(".txt") }.sorted().compactMap { file in
            guard let text = try? PosixFS.read("\(attention)/\(file)") else { return nil }
            let lines = String(decoding: text, as: UTF8.self).split(separator: "\n", maxSplits: 1).map(String.init)
            return (file, lines.first ?? "", lines.count > 1 ? lines[1] : "")
        }
    }
}
