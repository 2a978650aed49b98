import Foundation
import Logging

/// Reads a returned message with sisimai (Debian's `libsisimai-perl`, the reference bounce parser of
/// ~70 mail-server formats) through the small helper `mailbatch-sisimai`, one process per message:
/// returned mail is rare, so the start-up costs nothing that matters. Without the helper or the
/// module, mailbatch reads reports with its own reader alone.
struct SisimaiReader: Sendable {
    let helper: String
    var timeoutSeconds = BounceSettings.defaultSisimaiTimeoutSeconds
    /// Where a helper that failed is reported.
    var logger: Logger?

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
    /// a time-out): the caller then relies on its own reading. A helper that outlives the time-out is
    /// killed (`HelperProcess`), so it can never hold up the run or its lock.
    func read(_ bytes: [UInt8]) -> [Result]? {
        let problem: String
        switch HelperProcess(path: helper, timeoutSeconds: timeoutSeconds).run(input: bytes) {
        case .exited(status: 0, let output):
            if let results = (try? JSONDecoder().decode(Output.self, from: Data(output)))?.results { return results }
            problem = "it printed nothing mailbatch can read"
        case .exited(let status, _): problem = "it exited \(status)"
        case .killedBySignal(let signal): problem = "it was ended by signal \(signal)"
        case .timedOut: problem = "it did not finish in \(timeoutSeconds) s and was killed"
        case .outputTooLarge: problem = "it printed too much and was killed"
        case .cannotStart(let why): problem = why
        }
        logger?.warning(
            "the sisimai helper gave no reading; mailbatch reads the message with its own reader",
            metadata: ["helper": "\(helper)", "problem": "\(problem)"])
        return nil
    }
}
