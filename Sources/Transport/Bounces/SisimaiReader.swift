import Config
import Foundation
package import Logging
import Support

/// Reads a returned message with sisimai (Debian's `libsisimai-perl`, the reference bounce parser of
/// ~70 mail-server formats) through the small helper `mailbatch-sisimai`, one process per message:
/// returned mail is rare, so the start-up costs nothing that matters. Without the helper or the
/// module, mailbatch reads reports with its own reader alone.
package struct SisimaiReader: Sendable {
    package let helper: String
    package var timeoutSeconds = BounceSettings.defaultSisimaiTimeoutSeconds
    /// Where a helper that failed is reported.
    package var logger: Logger?

    package struct Result: Sendable, Decodable, Equatable {
        package let recipient: String
        package let status: String
        package let reason: String
        package let diagnostic: String
        package let action: String
        package let messageID: String

        package enum CodingKeys: String, CodingKey {
            case recipient, status, reason, diagnostic, action
            case messageID = "message_id"
        }

        package init(recipient: String, status: String, reason: String, diagnostic: String, action: String, messageID: String) {
            self.recipient = recipient
            self.status = status
            self.reason = reason
            self.diagnostic = diagnostic
            self.action = action
            self.messageID = messageID
        }
    }

    private struct Output: Decodable { let results: [Result] }

    package static let variable = "MAILBATCH_SISIMAI"

    /// `$MAILBATCH_SISIMAI`, else the helper beside an installed binary (`../libexec/mailbatch/`), else
    /// the source tree's `libexec/` (a development build in `.build/<config>/`).
    package static func located() -> SisimaiReader? {
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
    package func read(_ bytes: [UInt8]) -> [Result]? {
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
