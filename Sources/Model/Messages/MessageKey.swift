/// Which message of which contract version: the one owner of the names a message has in the spool
/// (its files under `messages/`, its `outbox/` and `failed/` entry, its copies in `sent/`), of its
/// Message-ID and VERP token, and of parsing them back.
///
/// Version 1 (the first issue) keeps the names mailbatch always used (`contractor.eml`,
/// `R07-4621-000123.contractor.json`, `R07-4621-000123.contractor.<random>@…`); a later version puts
/// `v<N>.` before the role (`v2.contractor.eml`), so a change's mails never collide with an unsent original's.
package struct MessageKey: Hashable, Sendable, CustomStringConvertible {
    package let contract: String
    package let version: Int
    package let role: MessageRole

    package init(contract: String, version: Int = 1, role: MessageRole) {
        self.contract = contract
        self.version = max(1, version)
        self.role = role
    }

    /// `contractor` or `v2.contractor`: the part every name of this message shares.
    package var stem: String { version == 1 ? "\(role)" : "v\(version).\(role)" }

    package var description: String { "\(contract).\(stem)" }

    /// Under the contract folder's `messages/`: the message as it was stored before plans (`.eml`,
    /// still sent as it is), and the plan that names the committed documents instead of holding them.
    package var emlName: String { "\(stem).eml" }
    package var planName: String { "\(stem).plan" }
    package var envelopeName: String { "\(stem).json" }

    /// In `outbox/` and `failed/`: `R07-4621-000123.v2.contractor.json`.
    package var queueName: String { "\(contract).\(stem).json" }

    /// Whether a file in `outbox/` or `failed/` is a queue entry (of contract `number`, when given):
    /// `<queueName>`, or `<queueName>.N` for a second failure of the same message that found the
    /// first one still in `failed/` (`Spool.freeName`).
    package static func isQueueEntry(_ file: String, of number: String? = nil) -> Bool {
        guard !file.hasPrefix("."), number.map({ file.hasPrefix($0 + ".") }) ?? true else { return false }
        if file.hasSuffix(".json") { return true }
        guard let dot = file.lastIndex(of: ".") else { return false }
        let n = file[file.index(after: dot)...]
        return !n.isEmpty && n.allSatisfy { $0.isASCII && $0.isNumber } && file[..<dot].hasSuffix(".json")
    }

    /// A stored copy with changed addresses, for a re-send: `v2.contractor.resend-1700000000.plan`
    /// (`.eml` when the copy is made from a message stored whole).
    package func resendName(epoch: Int, plan: Bool = true) -> String { "\(stem).resend-\(epoch).\(plan ? "plan" : "eml")" }

    /// The stored notice (of a view or a receipt) of one key (a reissue's new key is noticed anew):
    /// `view_notice-<16 hex of the key's digest>.eml`, `v2.receipt_notice-….eml` for a later version.
    package func noticeName(keyVersion: String) -> String { "\(stem)-\(keyVersion).eml" }

    /// The stored message (its plan) relative to the spool root, as an envelope names it.
    package var messagePath: String { storedPath(planName) }

    /// Another stored file of this message (a re-send with a changed address, a view notice).
    package func storedPath(_ file: String) -> String { "contracts/\(contract)/messages/\(file)" }

    /// A copy in `sent/`, by the time it was sent: `v2.contractor.1700000000.json`.
    package func sentName(epoch: Int) -> String { "\(stem).\(epoch).json" }

    /// Whether a file in `sent/` is a sending of this message.
    package func isSentFile(_ file: String) -> Bool {
        guard file.hasPrefix(stem + "."), file.hasSuffix(".json") else { return false }
        return Int(file.dropFirst(stem.count + 1).prefix { $0 != "." }) != nil
    }

    /// The time in a `sent/` name (0 when it has none).
    package static func sentEpoch(_ file: String) -> Int {
        let parts = file.split(separator: ".")
        return parts.count >= 3 ? Int(parts[parts.count - 2]) ?? 0 : 0
    }

    /// `<contract>.<stem>.<16 hex>`: the local part of a Message-ID, or a VERP token.
    package func unique() -> String {
        let random = UInt64.random(in: 0...UInt64.max)
        return "\(contract).\(stem).\(String(random, radix: 16).leftPadded(to: 16))"
    }

    package func messageID(domain: String) -> String { "\(unique())@\(domain)" }

    /// The key a Message-ID's local part or a token claims (not yet checked against the spool).
    package static func parse(unique text: Substring) -> MessageKey? {
        var parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 || parts.count == 4, let random = parts.popLast(), random.count == 16, random.allSatisfy(\.isHexDigit),
            let role = MessageRole(rawValue: String(parts.removeLast())), ContractValidator.isValidContractNumber(String(parts[0]))
        else { return nil }
        var version = 1
        if parts.count == 2 {
            guard parts[1].first == "v", let n = Int(parts[1].dropFirst()), n >= 2, n <= 100 else { return nil }
            version = n
        }
        return MessageKey(contract: String(parts[0]), version: version, role: role)
    }

    /// The key of one of mailbatch's Message-IDs (`<unique>@<domain>`).
    package static func parse(messageID: String) -> MessageKey? {
        guard let at = messageID.lastIndex(of: "@") else { return nil }
        return parse(unique: messageID[..<at])
    }
}
