package import Support

/// Taking a held record back (`mailbatch release`) as one act of the store: the journal entry
/// (`journal/release-<digest of the name>`: the name, where its note goes, where the record goes)
/// is written first, then the note moves to `released/NAME.<epoch>.error.txt` (kept, never deleted)
/// and the record to `incoming/`, where the next run reads it again. A kill at any point leaves
/// either nothing changed or an entry that the next run (or the next release) finishes.
extension ContractStore {
    /// What is in `held/` under a name an operator gave.
    package enum HeldEntry: Sendable, Equatable {
        /// A record that could not be issued: it can be released.
        case record
        /// A mail envelope set aside from `outbox/` because it could not be read; its contract's
        /// stored mail is queued again with `resend` instead.
        case envelope
        /// Not a plain name of a file in `held/` (a slash, `..`, a hidden name, a note).
        case badName
        case notHeld
    }

    package func heldEntry(_ name: String) -> HeldEntry {
        guard !name.isEmpty, !name.contains("/"), !name.contains(".."), !name.hasPrefix("."), !name.hasSuffix(".error.txt"),
            !name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
        else { return .badName }
        let path = "\(spool.held)/\(name)"
        guard PosixFS.exists(path), !PosixFS.isDirectory(path) else { return .notHeld }
        // The run's note on a set-aside envelope names where it came from (`outbox/<file> could not be read`).
        let note = (try? PosixFS.read(path + ".error.txt")).map { String(decoding: $0.prefix(4096), as: UTF8.self) } ?? ""
        return note.split(separator: "\n").first?.contains(" outbox/") == true ? .envelope : .record
    }

    /// Where a released record and its note went.
    package struct Released: Sendable, Equatable {
        /// The record's name in `incoming/`.
        package let incoming: String
        /// The note's name in `released/`, if the record had one.
        package let note: String?
    }

    /// Moves a held record (`heldEntry(name) == .record`) back to `incoming/` and its note to `released/`.
    package func release(_ name: String, now epoch: Int) throws(FileSystemError) -> Released {
        precondition(heldEntry(name) == .record, "a held record")
        try PosixFS.makeDirectory(spool.released)
        try PosixFS.makeDirectory(spool.journal)
        let note = PosixFS.exists("\(spool.held)/\(name).error.txt") ? "\(name).\(epoch).error.txt" : nil
        let target = Self.incomingName(name, epoch: epoch, in: spool.incoming)
        try spool.write("release\n\(name)\n\(note ?? "")\n\(target)\n", to: releaseEntry(name))
        return try finishRelease(releaseEntry(name), now: epoch)
    }

    /// Finishes a release from its journal entry; safe to repeat at every step.
    @discardableResult
    package func finishRelease(_ entry: String, now epoch: Int) throws(FileSystemError) -> Released {
        let lines = String(decoding: try PosixFS.read(entry), as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.count >= 4, lines[0] == "release", !lines[1].isEmpty, !lines[1].contains("/"), !lines[3].contains("/") else {
            // A damaged entry (never written by this code, the write is atomic): nothing to finish.
            try PosixFS.remove(entry)
            return Released(incoming: "", note: nil)
        }
        let (name, note, target) = (lines[1], lines[2].isEmpty ? nil : lines[2], lines[3])
        let heldNote = "\(spool.held)/\(name).error.txt"
        if let note, PosixFS.exists(heldNote), !PosixFS.exists("\(spool.released)/\(note)") {
            try PosixFS.move(heldNote, to: "\(spool.released)/\(note)")
            try PosixFS.syncDirectory(spool.released)
        }
        var placed = target
        if PosixFS.exists("\(spool.held)/\(name)") {
            // Upstream may have written a file of that name since: never overwrite it.
            if PosixFS.exists("\(spool.incoming)/\(placed)") { placed = Self.incomingName(name, epoch: epoch, in: spool.incoming) }
            try PosixFS.move("\(spool.held)/\(name)", to: "\(spool.incoming)/\(placed)")
            try PosixFS.syncDirectory(spool.incoming)
        }
        try PosixFS.syncDirectory(spool.held)
        try PosixFS.remove(entry)
        return Released(incoming: placed, note: note)
    }

    /// The entry of a release of `name` (a digest: a held name may be as long as a file name can be).
    private func releaseEntry(_ name: String) -> String {
        "\(spool.journal)/release-\(SHA256Hex.of(Array(name.utf8)).prefix(24))"
    }

    /// A free name in `incoming/` that a run claims: the held name when it ends in `.json` and is free,
    /// else `<stem>.released-<epoch>.json`.
    private static func incomingName(_ name: String, epoch: Int, in folder: String) -> String {
        if name.hasSuffix(".json"), !PosixFS.exists("\(folder)/\(name)") { return name }
        let stem = name.hasSuffix(".json") ? String(name.dropLast(5)) : name
        var candidate = "\(stem).released-\(epoch).json"
        var n = 1
        while PosixFS.exists("\(folder)/\(candidate)") {
            candidate = "\(stem).released-\(epoch)-\(n).json"
            n += 1
        }
        return candidate
    }
}
