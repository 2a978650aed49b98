import Foundation

/// The VERP envelope sender: `bounces+{token}@bounces.example.jp`, where the token names one queued
/// message and holds a random part, so a report naming a real contract but a made-up token is not
/// acted on.
struct ReturnPath: Sendable, Equatable {
    let prefix: String
    let suffix: String

    init?(template: String) {
        let parts = template.components(separatedBy: "{token}")
        guard parts.count == 2, !parts[1].isEmpty, parts[1].contains("@"), !parts[0].contains("@") else { return nil }
        guard EmailAddress.isPlainAddrSpec(parts[0] + "x" + parts[1]) else { return nil }
        prefix = parts[0]
        suffix = parts[1]
    }

    func address(token: String) -> String { prefix + token + suffix }

    /// The token of an address built from this template (case-insensitive in the domain), if it is one.
    func token(in address: String) -> String? {
        let address = address.trimmingCharacters(in: CharacterSet(charactersIn: " <>\t"))
        guard address.count > prefix.count + suffix.count,
            address.lowercased().hasPrefix(prefix.lowercased()), address.lowercased().hasSuffix(suffix.lowercased())
        else { return nil }
        let token = address.dropFirst(prefix.count).dropLast(suffix.count)
        return token.isEmpty ? nil : String(token)
    }

    /// A new token for one sending of a message: `<contract>.[v<N>.]<role>.<16 random hex digits>`.
    static func newToken(_ key: MessageKey) -> String { key.unique() }

    /// The message a token claims (not yet checked against the spool).
    static func parse(token: String) -> MessageKey? { MessageKey.parse(unique: Substring(token)) }
}
