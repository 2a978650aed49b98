import ArgumentParser
import Config
import Foundation
import Glibc
import Operations
import Store
import Support

/// `mailbatch upgrade`: migrate an older spool to this version's format, under the run lock.
struct UpgradeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upgrade", abstract: "Migrate the spool to this mailbatch's format (under the run lock; safe to repeat).")
    @OptionGroup var options: GlobalOptions

    func run() throws {
        let configuration = try options.loadConfiguration()
        try configuration.spool.prepare()
        let result = try configuration.spool.withLock(checkFormat: false) { try SpoolUpgrade(spool: configuration.spool).run() }
        if result.from == SpoolFormat.current && result.envelopes == 0 {
            print("the spool is already format \(SpoolFormat.current); nothing to do")
        } else {
            print(
                "spool upgraded from format \(result.from) to \(SpoolFormat.current): \(result.envelopes) envelope(s) rewritten, \(result.journalEntries) journal entr(ies) renamed"
            )
        }
    }
}

/// `mailbatch backup --out FILE`: a consistent archive of the spool, taken under the run lock.
struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Write a consistent .tar.gz of the spool (under the run lock). It holds every 認証キー: keep it owner-only.")
    @OptionGroup var options: GlobalOptions
    @Option(help: "The archive to write (.tar.gz); created owner-only, never overwritten.") var out: String

    func run() throws {
        let configuration = try options.loadConfiguration()
        let spool = configuration.spool
        let target = ConfigurationLoader.absolutePath(out, relativeTo: ConfigurationLoader.currentDirectory())
        guard !PosixFS.exists(target) else { throw CommandFailure(message: "\(target) exists; choose a new file name", code: ExitCodes.usage) }
        guard !target.hasPrefix(spool.root + "/") else {
            throw CommandFailure(message: "the archive cannot be inside the spool (\(spool.root))", code: ExitCodes.usage)
        }
        try spool.withLock(checkFormat: false) {
            // Created owner-only first, so the archive is never readable by others, not even while it is written.
            try PosixFS.writeNew([], to: target, sync: false)
            let tar = Process()
            tar.executableURL = URL(fileURLWithPath: "/usr/bin/tar")
            tar.arguments = ["--create", "--gzip", "--file", target, "--exclude=./lock", "--exclude=./tmp/*", "-C", spool.root, "."]
            try tar.run()
            tar.waitUntilExit()
            guard tar.terminationStatus == 0 else {
                unlink(target)
                throw CommandFailure(message: "tar could not archive \(spool.root) (exit \(tar.terminationStatus))", code: ExitCodes.temporary)
            }
        }
        FileHandleStderr.write(
            "mailbatch: warning: \(target) holds the 認証キー of every contract and the signed certificates; keep it owner-only, encrypted and off shared machines\n"
        )
        print("backup written: \(target)")
    }
}
