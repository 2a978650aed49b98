package import Support

/// A Maildir (`tmp/`, `new/`, `cur/`): the relay delivers into `new/`; a message taken up moves to
/// `cur/` with the `:2,S` (seen) flag, and is never deleted.
package struct Maildir: Sendable {
    package let path: String

    package var tmp: String { path + "/tmp" }
    package var new: String { path + "/new" }
    package var cur: String { path + "/cur" }
    package var folders: [String] { [path, tmp, new, cur] }

    /// The messages waiting in `new/`, oldest name first (names start with the delivery time).
    package func waiting() throws(FileSystemError) -> [String] {
        try PosixFS.list(new).filter { !$0.hasPrefix(".") }.sorted()
    }

    /// The name a message has in `cur/` once taken up.
    package static func seenName(_ name: String) -> String {
        name.contains(":2,") ? name : name + ":2,S"
    }

    /// Moves a message from `new/` to `cur/` (the last step of taking it up).
    package func markSeen(_ name: String) throws(FileSystemError) {
        try PosixFS.move("\(new)/\(name)", to: "\(cur)/\(Self.seenName(name))")
        try PosixFS.syncDirectory(cur)
        try PosixFS.syncDirectory(new)
    }

    /// Delivers bytes into `new/` the Maildir way: written in `tmp/`, fsync'ed, renamed into `new/`.
    package func deliver(_ bytes: some Collection<UInt8>, name: String) throws(FileSystemError) {
        try PosixFS.writeAtomically(bytes, to: "\(new)/\(name)", tempFolder: tmp)
    }

    package init(path: String) {
        self.path = path
    }
}
