import Foundation
import Glibc

/// Reads a returned message with sisimai (Debian's `libsisimai-perl`, the reference bounce parser of
/// ~70 mail-server formats) through the small helper `mailbatch-sisimai`, one process per message:
/// returned mail is rare, so the start-up costs nothing that matters. Without the helper or the
/// module, mailbatch reads reports with its own reader alone.
struct SisimaiReader: Sendable {
    let helper: String
    var timeoutSeconds = 30

    struct Result: Sendable, Decodable, Equatable {
        let recipient: String
        let status: String
        let reason: String
        let diagnostic: String
        let action: String
        let messageID: String

        enum CodingKeys: String, CodingKey {
            case recipient, status, reason, diagnostic, action
            case messageID = "message_id"
        }
    }

    private struct Output: Decodable { let results: [Result] }

    static let variable = "MAILBATCH_SISIMAI"

    /// `$MAILBATCH_SISIMAI`, else the helper beside an installed binary (`../libexec/mailbatch/`), else
    /// the source tree's `libexec/` (a development build in `.build/<config>/`).
    static func located() -> SisimaiReader? {
        var candidates: [String] = []
        if let path = ProcessInfo.processInfo.environment[variable] {
            if path.isEmpty { return nil }
            candidates.append(path)
        }
        if let dir = DataFiles.executableDirectory {
            candidates.append("\(PosixFS.parentPath(dir))/libexec/mailbatch/mailbatch-sisimai")
            candidates.append("\(dir)/../../libexec/mailbatch-sisimai")
            candidates.append("\(dir)/../../../libexec/mailbatch-sisimai")
        }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }.map { SisimaiReader(helper: $0) }
    }

    /// What sisimai read (possibly nothing), or nil when the helper failed (missing module, a crash,
    /// a time-out): the caller then relies on its own reading.
    func read(_ bytes: [UInt8]) -> [Result]? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: helper)
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return nil
        }
        let timer = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + .seconds(timeoutSeconds), execute: timer)
        defer { timer.cancel() }
        // A helper that exits early must not end mailbatch with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        // The helper reads all of its input before it writes, so writing first cannot deadlock.
        let writer = input.fileHandleForWriting
        try? writer.write(contentsOf: Data(bytes))
        try? writer.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else { return nil }
        return (try? JSONDecoder().decode(Output.self, from: data))?.results
    }
}
