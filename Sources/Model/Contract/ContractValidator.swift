import Support

/// Turns the bytes of an upstream file into a `ContractRecord`, or says everything that is wrong with it.
package enum ContractValidator {
    package static let maximumFileSize = 1 << 20

    package static func validate(_ bytes: [UInt8]) throws(RecordRejection) -> ContractRecord {
        let json = try parse(bytes)
        var reader = FieldReader()
        let record = read(json, &reader)
        guard reader.issues.isEmpty, let record else { throw RecordRejection(reader.issues) }
        return record
    }

    /// A file from `incoming/`: a cancellation when its schema says so, else a contract record.
    package static func validateIncoming(_ bytes: [UInt8]) throws(RecordRejection) -> IncomingRecord {
        let json = try parse(bytes)
        var reader = FieldReader()
        if case .object(let top) = json, case .string(Cancellation.schema) = top["schema"] ?? .null {
            let cancellation = readCancellation(top, &reader)
            guard reader.issues.isEmpty, let cancellation else { throw RecordRejection(reader.issues) }
            return .cancellation(cancellation)
        }
        let record = read(json, &reader)
        guard reader.issues.isEmpty, let record else { throw RecordRejection(reader.issues) }
        return .contract(record)
    }

    private static func parse(_ bytes: [UInt8]) throws(RecordRejection) -> JSONValue {
        guard bytes.count <= maximumFileSize else {
            throw RecordRejection("the file is \(bytes.count) bytes; at most \(maximumFileSize) bytes (1 MiB) are accepted")
        }
        if let problem = TextEncodingCheck.problem(in: bytes) { throw RecordRejection(problem) }
        do {
            return try StrictJSONParser.parse(bytes)
        } catch {
            throw RecordRejection("not valid JSON: \(error.description)")
        }
    }

    private static func readCancellation(_ top: [String: JSONValue], _ r: inout FieldReader) -> Cancellation? {
        guard r.object(.object(top), at: "$", allowed: ["schema", "contract_number", "concluded_on", "reason"]) != nil else { return nil }
        let number = contractNumber(top, &r)
        let concluded = r.date(top, "concluded_on", at: "$")
        let reason = r.optionalString(top, "reason", at: "$", maxLength: 200)
        guard let number, let concluded else { return nil }
        return Cancellation(contractNumber: number, concludedOn: concluded, reason: reason)
    }

    private static func read(_ json: JSONValue, _ r: inout FieldReader) -> ContractRecord? {
        let root = "$"
        guard
            let top = r.object(
                json, at: root,
                allowed: [
                    "schema", "contract_number", "guarantee_type", "concluded_on", "application", "contractor", "orderer", "project", "guarantee",
                    "branch", "amendment",
                ])
        else { return nil }

        if let schema = r.string(top, "schema", at: root, maxLength: 64), schema != ContractRecord.schema {
            r.fail("$.schema", "\"\(schema)\" is not supported; expected \"\(ContractRecord.schema)\"")
        }
        let number = contractNumber(top, &r)
        let type = r.choice(top, "guarantee_type", at: root, as: ContractRecord.GuaranteeType.self)
        let concluded = r.date(top, "concluded_on", at: root)
        let application = application(top, &r)
        let contractor = contractor(top, &r)
        let orderer = orderer(top, &r)
        let project = project(top, &r)
        let guarantee = guarantee(top, &r)
        let branch = r.optionalString(top, "branch", at: root, maxLength: 64)
        let amendment = top["amendment"] == nil ? nil : Self.amendment(top, &r)

        if let project, let guarantee, guarantee.amount > project.contractAmount {
            r.fail("$.guarantee.amount", "the guarantee amount (\(guarantee.amount)) exceeds the contract amount (\(project.contractAmount))")
        }
        if let concluded, let paid = guarantee?.premiumPaidOn, paid > concluded {
            r.fail("$.guarantee.premium_paid_on", "the premium is paid on or before the guarantee is concluded; \(paid) is after concluded_on \(concluded)")
        }
        guard let number, let type, let concluded, let application, let contractor, let orderer, let project, let guarantee,
            top["amendment"] == nil || amendment != nil
        else {
            return nil
        }
        return ContractRecord(
            contractNumber: number, guaranteeType: type, concludedOn: concluded, application: application,
            contractor: contractor, orderer: orderer, project: project, guarantee: guarantee, branch: branch, amendment: amendment)
    }

    /// 4 to 32 of `A-Z a-z 0-9 -`: it names a folder in the spool, so nothing else may pass; and never
    /// the shape of a 認証キー, so that a key typed into the number field is never logged or stored.
    package static func isValidContractNumber(_ text: String) -> Bool {
        (4...32).contains(text.utf8.count) && !KeyShape.isNearKey(text)
            && text.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"):
                    true
                default: false
                }
            }
    }

    private static func contractNumber(_ top: [String: JSONValue], _ r: inout FieldReader) -> String? {
        guard let text = r.string(top, "contract_number", at: "$", maxLength: 64) else { return nil }
        if KeyShape.isNearKey(text) {
            r.fail(
                "$.contract_number",
                "has the shape of a 認証キー (20 symbols of its alphabet, or within one character of it); a contract number must not, so that a key is never taken for one"
            )
            return nil
        }
        guard isValidContractNumber(text) else {
            r.fail("$.contract_number", "must be 4 to 32 characters of A-Z, a-z, 0-9 and '-' (found \(text.count) characters)")
            return nil
        }
        return text
    }

    private static func application(_ top: [String: JSONValue], _ r: inout FieldReader) -> ContractRecord.Application? {
        let path = "$.application"
        guard let fields = r.object(top["application"], at: path, allowed: ["channel", "delivery"]) else { return nil }
        let channel = r.choice(fields, "channel", at: path, as: ContractRecord.Channel.self)
        let delivery = r.choice(fields, "delivery", at: path, as: ContractRecord.Delivery.self)
        guard let channel, let delivery else { return nil }
        return .init(channel: channel, delivery: delivery)
    }

    private static func contractor(_ top: [String: JSONValue], _ r: inout FieldReader) -> ContractRecord.Contractor? {
        let path = "$.contractor"
        guard
            let fields = r.object(
                top["contractor"], at: path, allowed: ["name", "representative", "address", "email", "contact_person", "phone"])
        else {
            return nil
        }
        let name = r.string(fields, "name", at: path, maxLength: 100)
        let representative = r.string(fields, "representative", at: path, maxLength: 100)
        let address = r.string(fields, "address", at: path, maxLength: 200)
        var email = r.string(fields, "email", at: path, maxLength: 254)
        if let text = email, !EmailAddress.isPlainAddrSpec(text) {
            r.fail("\(path).email", "\"\(text.prefix(80))\" is not a plain e-mail address (local@domain, no display name, no spaces or commas)")
            email = nil
        }
        let contact = r.optionalString(fields, "contact_person", at: path, maxLength: 100)
        var phone = r.optionalString(fields, "phone", at: path, maxLength: 30)
        if let text = phone, !text.allSatisfy({ $0.isASCII && ($0.isNumber || "-+() ".contains($0)) }) || !text.contains(where: \.isNumber) {
            r.fail("\(path).phone", "\"\(text.prefix(40))\" is not a telephone number (digits, '-', '+', '(', ')' and spaces, such as 099-257-2722)")
            phone = nil
        }
        guard let name, let representative, let address, let email else { return nil }
        return .init(name: name, representative: representative, address: address, email: email, contactPerson: contact, phone: phone)
    }

    private static func orderer(_ top: [String: JSONValue], _ r: inout FieldReader) -> ContractRecord.Orderer? {
        let path = "$.orderer"
        guard let fields = r.object(top["orderer"], at: path, allowed: ["name", "title"]) else { return nil }
        let name = r.string(fields, "name", at: path, maxLength: 100)
        let title = r.optionalString(fields, "title", at: path, maxLength: 100)
        guard let name else { return nil }
        return .init(name: name, title: title)
    }

    private static func project(_ top: [String: JSONValue], _ r: inout FieldReader) -> ContractRecord.Project? {
        let path = "$.project"
        guard
            let fields = r.object(
                top["project"], at: path,
                allowed: [
                    "name", "location", "category", "public_notice_on", "contract_on", "period", "contract_amount", "orderer_ref",
                ])
        else { return nil }
        let name = r.string(fields, "name", at: path, maxLength: 300)
        let location = r.string(fields, "location", at: path, maxLength: 200)
        let category = r.choice(fields, "category", at: path, as: ContractRecord.Category.self)
        let notice = r.optionalDate(fields, "public_notice_on", at: path)
        let contractOn = r.date(fields, "contract_on", at: path)
        let period = r.period(fields, "period", at: path)
        let amount = r.yen(fields, "contract_amount", at: path)
        let ordererRef = r.optionalString(fields, "orderer_ref", at: path, maxLength: 40)
        guard let name, let location, let category, let contractOn, let period, let amount else { return nil }
        return .init(
            name: name, location: location, category: category, publicNoticeOn: notice, contractOn: contractOn,
            period: period, contractAmount: amount, ordererRef: ordererRef)
    }

    /// `amendment`: number 1–99, the day the change was agreed, an optional reason, the additional premium (0 or more).
    private static func amendment(_ top: [String: JSONValue], _ r: inout FieldReader) -> ContractRecord.Amendment? {
        let path = "$.amendment"
        guard let fields = r.object(top["amendment"], at: path, allowed: ["number", "concluded_on", "reason", "premium"]) else { return nil }
        var number: Int?
        if case .number(let literal) = fields["number"] ?? .null, let n = Int(literal), (1...99).contains(n) {
            number = n
        } else {
            r.fail("\(path).number", "the change's number, a whole number from 1 to 99 (変更第1号 is 1), is missing or not such a number")
        }
        let concluded = r.date(fields, "concluded_on", at: path)
        let reason = r.optionalString(fields, "reason", at: path, maxLength: 200)
        let premium = r.yen(fields, "premium", at: path, allowZero: true)
        guard let number, let concluded, let premium else { return nil }
        return .init(number: number, concludedOn: concluded, reason: reason, premium: premium)
    }

    private static func guarantee(_ top: [String: JSONValue], _ r: inout FieldReader) -> ContractRecord.Guarantee? {
        let path = "$.guarantee"
        guard let fields = r.object(top["guarantee"], at: path, allowed: ["amount", "period", "premium", "premium_paid_on"]) else { return nil }
        let amount = r.yen(fields, "amount", at: path)
        let period = r.period(fields, "period", at: path)
        let premium = r.yen(fields, "premium", at: path)
        let paidOn = r.optionalDate(fields, "premium_paid_on", at: path)
        guard let amount, let period, let premium else { return nil }
        return .init(amount: amount, period: period, premium: premium, premiumPaidOn: paidOn)
    }
}
