/// The spool's folders. Each record is in exactly one of them at any time; moves between them are
/// atomic renames within one file system.
struct Spool: Sendable {
    let root: String

    var incoming: String { root + "/incoming" }
    var processing: String { root + "/processing" }
    var rejected: String { root + "/rejected" }
    var paper: String { root + "/paper" }
    var duplicates: String { root + "/duplicates" }
    var contracts: String { root + "/contracts" }
    var outbox: String { root + "/outbox" }
    var failed: String { root + "/failed" }
    var temp: String { root + "/tmp" }
    var lockFile: String { root + "/lock" }
    /// Failed-verification counts per contract number, for `verify`'s rate limit.
    var verify: String { root + "/verify" }
    /// Operations that span several renames (a key reissue) note their intent here first.
    var journal: String { root + "/journal" }

    var allFolders: [String] { [incoming, processing, rejected, paper, duplicates, contracts, outbox, failed, temp, verify, journal] }

    func contractFolder(_ number: String) -> String { "\(contracts)/\(number)" }

    /// Creates the folders (owner-only) that do not exist yet.
    func prepare() throws(FileSystemError) {
        try PosixFS.makeDirectory(root)
        for folder in allFolders { try PosixFS.makeDirectory(folder) }
    }

    /// Writes a spool file atomically, its temp file in `tmp/`, which every run clears first.
    func write(_ bytes: some Collection<UInt8>, to path: String) throws(FileSystemError) {
        try PosixFS.writeAtomically(bytes, to: path, tempFolder: temp)
    }

    func write(_ text: String, to path: String) throws(FileSystemError) {
        try write(Array(text.utf8), to: path)
    }

    /// A free name for `name` in `folder`: the name itself, or `name.1`, `name.2`, … so nothing is overwritten.
    func freeName(_ name: String, in folder: String, reserving extra: [String] = []) -> String {
        func taken(_ candidate: String) -> Bool {
            PosixFS.exists("\(folder)/\(candidate)") || extra.contains { PosixFS.exists("\(folder)/\(candidate)\($0)") }
        }
        if !taken(name) { return name }
        var n = 1
        while taken("\(name).\(n)") { n += 1 }
        return "\(name).\(n)"
    }
}
