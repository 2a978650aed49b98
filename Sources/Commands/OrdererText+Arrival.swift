import Model

/// `mailbatch orderers show`: the form's address, the FAX number, the arrival confirmation and
/// whose certificates the orderer accepts.
extension OrdererText {
    static func arrivalName(_ arrival: Orderer.ArrivalConfirmation?) -> String? {
        switch arrival {
        case .phone(let number): "phone \(number) after sending"
        case .viewer: "viewer (the orderer confirms receipt; the contractor is mailed)"
        case nil: nil
        }
    }

    static func arrivalLines(_ o: Orderer) -> String {
        var text = ""
        if let url = o.formURL { text += "form: \(url)\n" }
        if let fax = o.faxNumber { text += "fax: \(fax)\n" }
        if let arrival = arrivalName(o.arrival) { text += "arrival confirmation: \(arrival)\n" }
        if !o.sureties.isEmpty { text += "sureties: \(o.sureties.joined(separator: ", ")) only\n" }
        return text
    }
}
