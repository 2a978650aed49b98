/// The office that answers a contractor's or a clerk's questions: printed on every document and in
/// every mail, since the mails come from an address that nobody reads.
package struct BranchOffice: Sendable, Equatable {
    package var name: String
    package var phone: String
    package var hours: String
    package var address: String?
    package var email: String?

    /// `鹿児島支店　電話 099-257-2722（平日 9:00〜17:00）`, then address and e-mail when given.
    package var lines: [String] {
        var out = ["\(name)　電話 \(phone)（\(hours)）"]
        if let address { out.append(address) }
        if let email { out.append("電子メール \(email)") }
        return out
    }

    package init(name: String, phone: String, hours: String, address: String? = nil, email: String? = nil) {
        self.name = name
        self.phone = phone
        self.hours = hours
        self.address = address
        self.email = email
    }
}

/// The default office and the named ones a record may pick with `"branch": "大分支店"`.
package struct BranchDirectory: Sendable {
    package var standard: BranchOffice
    package var named: [String: BranchOffice] = [:]

    package func office(_ name: String?) -> BranchOffice? {
        guard let name else { return standard }
        return named[name] ?? (name == standard.name ? standard : nil)
    }

    package var knownNames: [String] { Array(Set([standard.name] + named.keys)).sorted() }

    package init(standard: BranchOffice, named: [String: BranchOffice] = [:]) {
        self.standard = standard
        self.named = named
    }
}
