/// What the contractor's mail says to do next for an orderer, as flags and values for
/// `next-steps.mustache`, and whether mailbatch mails the key notice to the orderer itself.
struct SubmissionGuide {
    let orderer: Orderer

    /// mailbatch sends the key notice to the orderer when it takes e-mail and an address is configured.
    var mailsOrderer: Bool { orderer.takesEmail && !orderer.emails.isEmpty }

    /// Said once per run when an orderer takes e-mail but has no address configured.
    var configurationWarning: String? {
        guard orderer.takesEmail, orderer.emails.isEmpty else { return nil }
        return
            "\(orderer.name) takes key notices by e-mail but no address is configured ([\(orderer.name)] email = [...] in the [orderers] file); its contractors were told to send it themselves"
    }

    var context: [String: Any] {
        let methods = Set(orderer.submission)
        var values: [String: Any] = [
            "orderer_department": orderer.department ?? "",
            "orderer_addresses": orderer.emails.joined(separator: ", "),
            "instructions": orderer.instructions ?? "",
            "fax": methods.contains(.fax),
        ]
        if methods.contains(.email) {
            values[orderer.emails.isEmpty ? "email_self" : "email_sent"] = true
        } else if methods.contains(.inPerson) {
            values["in_person"] = true
        } else if methods.contains(.fax) {
            values["fax_only"] = true
        } else if methods.contains(.webForm) {
            values["web_form"] = true
        } else {
            values["unknown"] = true
        }
        return values
    }
}
