import Foundation
package import Logging

/// One log line per event on stderr: text (`2025-10-20T10:00:00+0900 info mailbatch: contract=… sent`)
/// or, with `--log-format json`, one JSON object a line with the same metadata. Under systemd
/// (`JOURNAL_STREAM` is set) text lines leave out the timestamp, which journald adds itself.
package struct LineLogHandler: LogHandler {
    package enum Format: String, CaseIterable, Sendable {
        case text, json
    }

    package let label: String
    package let format: Format
    package let timestamps: Bool
    package var logLevel: Logger.Level = .info
    package var metadata: Logger.Metadata = [:]

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    package static var underJournal: Bool { ProcessInfo.processInfo.environment["JOURNAL_STREAM"] != nil }

    package func log(
        level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?, source: String, file: String,
        function: String, line: UInt
    ) {
        var fields = metadata
        for (k, v) in explicit ?? [:] { fields[k] = v }
        // The real time, not mailbatch's (possibly moved) clock: log lines are read beside other logs.
        let time = JST.iso8601(epochSeconds: Int(Date().timeIntervalSince1970))
        var text: String
        switch format {
        case .json:
            var object: [String: String] = ["level": level.rawValue, "message": message.description, "logger": label]
            if timestamps { object["time"] = time }
            for (k, v) in fields where object[k] == nil { object[k] = "\(v)" }
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
            text = String(decoding: data, as: UTF8.self)
        case .text:
            let pairs = fields.keys.sorted().map { "\($0)=\(Self.oneLine("\(fields[$0]!)"))" }.joined(separator: " ")
            text = (timestamps ? time + " " : "") + "\(level) \(label): " + (pairs.isEmpty ? "" : pairs + " ") + Self.oneLine(message.description)
        }
        FileHandleStderr.write(text + "\n")
    }

    /// A value as it may stand in one text line: a line break or other control character that came
    /// from outside (a file name, a server's reply) is written as an escape, never as itself.
    package static func oneLine(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isBreaking) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where isBreaking(scalar): out += "\\u{\(String(scalar.value, radix: 16))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private static func isBreaking(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || scalar.value == 0x7F || scalar.value == 0x85 || scalar.value == 0x2028 || scalar.value == 0x2029
    }

    package init(label: String, format: Format, timestamps: Bool, logLevel: Logger.Level = .info, metadata: Logger.Metadata = [:]) {
        self.label = label
        self.format = format
        self.timestamps = timestamps
        self.logLevel = logLevel
        self.metadata = metadata
    }
}
