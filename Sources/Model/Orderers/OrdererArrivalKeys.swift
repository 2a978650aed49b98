package import Support

/// The keys `arrival_confirmation` (with `phone`), `form_url` and `fax`, shared by an orderer's table
/// and its per-type tables.
package enum OrdererArrivalKeys {
    package static func read(_ s: TOMLSection, into rule: inout Orderer.Rule, file: String) throws(ConfigurationError) {
        let header = "[\(s.name)]"
        let phone = try s.string("phone")
        if let phone, !phone.contains(where: { $0.isASCII && $0.isNumber }) || phone.contains(where: \.isNewline) {
            throw ConfigurationError(
                "\(file): \(header) phone = \"\(phone)\" must be one line with the number to phone, e.g. \"059-229-3122\" or \"059-229-3122（調達契約課）\"")
        }
        switch try s.string("arrival_confirmation") {
        case nil:
            if phone != nil {
                throw ConfigurationError("\(file): \(header) phone is set without arrival_confirmation = \"phone\"; add it, or remove phone")
            }
        case "phone":
            guard let phone else {
                throw ConfigurationError(
                    "\(file): \(header) arrival_confirmation = \"phone\" needs the number the contractor phones: phone = \"059-229-3122\"")
            }
            rule.arrival = .phone(phone)
        case "viewer":
            if phone != nil {
                throw ConfigurationError("\(file): \(header) phone is only read with arrival_confirmation = \"phone\"; remove it")
            }
            rule.arrival = .viewer
        case let other?:
            throw ConfigurationError("\(file): \(header) arrival_confirmation = \"\(other)\" must be \"phone\" or \"viewer\"")
        }
        if let url = try s.string("form_url") {
            guard url.hasPrefix("https://") || url.hasPrefix("http://"), !url.contains(where: { $0 == " " || $0 == "\n" }) else {
                throw ConfigurationError("\(file): \(header) form_url = \"\(url)\" must be the form's web address (https://…)")
            }
            rule.formURL = url
        }
        if let fax = try s.string("fax") {
            guard isPhoneNumber(fax) else {
                throw ConfigurationError("\(file): \(header) fax = \"\(fax)\" is not a FAX number (digits and hyphens, e.g. \"0823-43-1643\")")
            }
            rule.faxNumber = fax
        }
    }

    package static func isPhoneNumber(_ text: String) -> Bool {
        text.count >= 6 && text.count <= 20 && text.first?.isASCII == true && text.first?.isNumber == true
            && text.allSatisfy { ($0.isASCII && $0.isNumber) || $0 == "-" }
    }
}
