import Glibc
import Model
package import Support

/// The spool's folders. Each record is in exactly one of them at any time; moves between them are
/// atomic renames within one file system.
package struct Spool: Sendable {
    package let root: String

    package var incoming: String { root + "/incoming" }
    package var processing: String { root + "/processing" }
    package var rejected: String { root + "/rejected" }
    package var paper: String { root + "/paper" }
    package var duplicates: String { root + "/duplicates" }
    package var contracts: String { root + "/contracts" }
    package var outbox: String { root + "/outbox" }
    package var failed: String { root + "/failed" }
    package var temp: String { root + "/tmp" }
    package var lockFile: String { root + "/lock" }
    /// Failed-verification counts per contract number, for `verify`'s rate limit.
    package var verify: String { root + "/verify" }
    /// Operations that span several renames (a key reissue) note their intent here first.
    package var journal: String { root + "/journal" }
    /// Returned mail handed over by `mailbatch bounce`, as a Maildir (`tmp/`, `new/`, `cur/`).
    package var bounceInbox: Maildir { Maildir(path: root + "/bounces") }
    /// Returned mail that was not acted on (auto-replies, unknown tokens, forgeries), each with a note.
    package var unmatchedBounces: String { root + "/bounces/unmatched" }
    /// Envelopes that could not be read (damaged, or written by a newer mailbatch), each with `.error.txt`.
    package var held: String { root + "/held" }
    /// Which problems the operator summary has already reported.
    package var notify: String { root + "/notify" }
    /// One note per recipient that refused or bounced a message the other recipients received.
    package var attention: String { root + "/attention" }
    /// Changes and cancellations whose predecessor is not issued yet, each with `.wait.txt`.
    package var waiting: String { root + "/waiting" }

    package var allFolders: [String] {
        [incoming, processing, rejected, paper, duplicates, contracts, outbox, failed, temp, verify, journal]
            + bounceInbox.folders + [unmatchedBounces, notify, held, attention, waiting]
    }

    package func contractFolder(_ number: String) -> String { "\(contracts)/\(number)" }

    /// Creates the folders (owner-only) that do not exist yet.
    package func prepare() throws(FileSystemError) {
        try PosixFS.makeDirectory(root)
        for folder in allFolders { try PosixFS.makeDirectory(folder) }
    }

    /// The folder of an issued contract, if the number is well-formed and issued.
    package func issuedContract(_ number: String) -> ContractFolder? {
        guard ContractValidator.isValidContractNumber(number), PosixFS.isDirectory(contractFolder(number)) else { return nil }
        return ContractFolder(path: contractFolder(number))
    }

    /// An operator named a contract that is not issued here.
    package struct NotIssued: Error, CustomStringConvertible {
        package let number: String
        package let folder: String
        package var description: String { "no issued contract \(number) in \(folder); `mailbatch status` lists the spool" }

        package init(number: String, folder: String) {
            self.number = number
            self.folder = folder
        }
    }

    /// The folder of an issued contract, or the error an operator reads.
    package func requireIssued(_ number: String) throws(NotIssued) -> ContractFolder {
        guard let folder = issuedContract(number) else { throw NotIssued(number: number, folder: contracts) }
        return folder
    }

    /// Writes a spool file atomically, its temp file in `tmp/`, which every run clears first.
    package func write(_ bytes: some Collection<UInt8>, to path: String) throws(FileSystemError) {
        try PosixFS.writeAtomically(bytes, to: path, tempFolder: temp)
    }

    package func write(_ text: String, to path: String) throws(FileSystemError) {
        try write(Array(text.utf8), to: path)
    }

    /// Why the spool is unsafe to run on, if it is: a folder another user owns or can write to would
    /// let them plant or swap records and keys. `incoming/` may be shared with the upstream writer.
    package func permissionProblem() -> String? {
        for folder in [root] + allFolders where folder != incoming {
            var info = stat()
            guard lstat(folder, &info) == 0 else { continue }
            if (info.st_mode & S_IFMT) != S_IFDIR {
                return "\(folder) is not a folder (a symbolic link?); the spool's folders must be real folders"
            }
            if info.st_uid != geteuid() {
                return "\(folder) belongs to uid \(info.st_uid), not to the user running mailbatch (uid \(geteuid())); chown it"
            }
            if info.st_mode & 0o022 != 0 {
                return "\(folder) can be written by other users (mode \(String(info.st_mode & 0o777, radix: 8))); chmod 700 \(folder)"
            }
        }
        return nil
    }

    /// A free name for `name` in `folder`: the name itself, or `name.1`, `name.2`, … so nothing is overwritten.
    package func freeName(_ name: String, in folder: String) -> String {
        func taken(_ candidate: String) -> Bool { PosixFS.exists("\(folder)/\(candidate)") }
        if !taken(name) { return name }
        var n = 1
        while taken("\(name).\(n)") { n += 1 }
        return "\(name).\(n)"
    }

    package init(root: String) {
        self.root = root
    }
}
