import Foundation

/// The VERP envelope sender: `bounces+{token}@bounces.example.jp`, where the token names one queued
/// message and holds a random part, so a report naming a real contract but a made-up token is not
/// acted on.
package struct ReturnPath: Sendable, Equatable {
    package let prefix: String
    package let suffix: String

    package init?(template: String) {
        let parts = template.components(separatedBy: "{token}")
        guard parts.count == 2, !parts[1].isEmpty, parts[1].contains("@"), !parts[0].contains("@") else { return nil }
        guard EmailAddress.isPlainAddrSpec(parts[0] + "x" + parts[1]) else { return nil }
        // The local part with the longest token must fit RFC 5321's 64 octets.
        let local = parts[1].prefix { $0 != "@" }
        guard parts[0].utf8.count + local.utf8.count <= Self.maxPrefixOctets else { return nil }
        prefix = parts[0]
        suffix = parts[1]
    }

    package func address(token: String) -> String { prefix + token + suffix }

    /// The token of an address built from this template (case-insensitive in the domain), if it is one.
    package func token(in address: String) -> String? {
        let address = address.trimmingCharacters(in: CharacterSet(charactersIn: " <>\t"))
        guard address.count > prefix.count + suffix.count,
            address.lowercased().hasPrefix(prefix.lowercased()), address.lowercased().hasSuffix(suffix.lowercased())
        else { return nil }
        let token = address.dropFirst(prefix.count).dropLast(suffix.count)
        return token.isEmpty ? nil : String(token)
    }

    /// A new token for one recipient of one sending: `<contract>.<16 random symbols of a-z2-7>` (80
    /// bits), at most 49 octets for the longest contract number, so the local part stays within RFC
    /// 5321's 64 octets (`maxPrefixOctets`). Each recipient has its own, so a report written with
    /// the token one recipient saw can speak of that recipient alone.
    package static func newToken(contract: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let random = String((0..<randomLength).map { _ in alphabet[Int(generator.next(upperBound: UInt32(alphabet.count)))] })
        return "\(contract).\(random)"
    }

    package static let randomLength = 16
    private static let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567")
    /// The longest token: a 32-character contract number, the dot, the random part.
    package static let maxTokenOctets = 32 + 1 + randomLength
    /// What the template may put around the token in the local part.
    package static let maxPrefixOctets = 64 - maxTokenOctets

    /// What a token claims, not yet checked against the spool.
    package enum Claim: Equatable {
        /// A token of this mailbatch: one recipient of some sending of this contract's messages.
        case recipient(contract: String)
        /// A token of an earlier mailbatch, `<contract>.[v<N>.]<role>.<16 hex digits>`: one sending,
        /// every recipient of it (mail sent before the upgrade still has its bounces matched).
        case sending(MessageKey)
    }

    package static func parse(token: String) -> Claim? {
        if let key = MessageKey.parse(unique: Substring(token)) { return .sending(key) }
        guard let dot = token.lastIndex(of: ".") else { return nil }
        let contract = String(token[..<dot])
        let random = token[token.index(after: dot)...]
        guard random.count == randomLength, random.allSatisfy({ alphabet.contains($0) }), ContractValidator.isValidContractNumber(contract) else {
            return nil
        }
        return .recipient(contract: contract)
    }
}
