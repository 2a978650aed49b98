/// Why a message came back, in sisimai's words (`userunknown`, `mailboxfull`, …), and what that
/// means for the message: a hard reason marks it bounced; a soft one puts it back in the outbox for a
/// later try within its lifetime. The one owner of that rule.
package enum BounceReason {
    /// The reasons a later try may cure: the mailbox or the server is full, busy or broken for now,
    /// or the sending host was blocked (not the address's fault).
    package static let soft: Set<String> = [
        "mailboxfull", "systemfull", "toomanyconn", "speeding", "systemerror", "networkerror", "blocked", "expired", "onhold",
    ]

    /// Soft: one of `soft`, or a report with no reason of its own whose status is temporary (4.x.x).
    package static func isSoft(_ reason: String, status: String) -> Bool {
        soft.contains(reason) || ((reason.isEmpty || reason == "undefined") && status.hasPrefix("4"))
    }

    /// A reason read from the status code and the server's words, for reports sisimai did not read.
    package static func derive(status: String, diagnostic: String) -> String {
        let text = diagnostic.lowercased()
        let words: [(String, [String])] = [
            (
                "userunknown",
                ["user unknown", "no such user", "unknown user", "does not exist", "mailbox unavailable", "recipient rejected", "invalid recipient"]
            ),
            ("mailboxfull", ["mailbox full", "mailbox is full", "quota", "over quota", "insufficient storage"]),
            ("hostunknown", ["host not found", "host unknown", "domain not found", "no mx", "name or service not known"]),
            ("blocked", ["blocked", "blacklist", "blocklist", "denied by policy"]),
            ("spamdetected", ["spam"]),
            ("mesgtoobig", ["too large", "too big", "size limit"]),
            ("expired", ["retry timeout", "delivery time expired", "could not be delivered within"]),
        ]
        for (reason, markers) in words where markers.contains(where: text.contains) { return reason }
        let parts = status.split(separator: ".")
        guard parts.count == 3 else { return "undefined" }
        switch (parts[1], parts[2]) {
        case ("1", "1"), ("1", "0"), ("1", "3"), ("1", "6"), ("1", "10"): return "userunknown"
        case ("1", "2"): return "hostunknown"
        case ("2", "2"): return "mailboxfull"
        case ("2", "1"): return "suspend"
        case ("2", "3"), ("3", "4"): return "mesgtoobig"
        case ("3", "1"): return "systemfull"
        case ("4", "7"): return "expired"
        case ("4", _): return "networkerror"
        case ("3", _): return "systemerror"
        case ("7", "1"): return "rejected"
        case ("7", _): return "securityerror"
        default: return "undefined"
        }
    }
}
