/// The office that answers a contractor's or a clerk's questions: printed on every document and in
/// every mail, since the mails come from an address that nobody reads.
struct BranchOffice: Sendable, Equatable {
    var name: String
    var phone: String
    var hours: String
    var address: String?
    var email: String?

    /// `鹿児島支店　電話 099-257-2722（平日 9:00〜17:00）`, then address and e-mail when given.
    var lines: [String] {
        var out = ["\(name)　電話 \(phone)（\(hours)）"]
        if let address { out.append(address) }
        if let email { out.append("電子メール \(email)") }
        return out
    }
}

/// The default office and the named ones a record may pick with `"branch": "大分支店"`.
struct BranchDirectory: Sendable {
    var standard: BranchOffice
    var named: [String: BranchOffice] = [:]

    func office(_ name: String?) -> BranchOffice? {
        guard let name else { return standard }
        return named[name] ?? (name == standard.name ? standard : nil)
    }

    var knownNames: [String] { Array(Set([standard.name] + named.keys)).sorted() }
}
