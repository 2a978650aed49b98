package import Support

/// Whether a change record (変更) of an issued contract is issued, waits for its predecessor, is a
/// duplicate, or is refused; and what it changes. One owner for the rules of
/// docs/amendments.md: which fields may change, in which order, from which day.
package enum AmendmentRules {
    package enum Decision: Equatable {
        /// Issue it as the next version, with these changes on the certificate (and these for the mail only).
        case issue(certificate: [Certificate.Change], mailOnly: [Certificate.Change])
        case duplicate
        case reject(RecordRejection)
        /// Its predecessor is not issued yet.
        case wait(String)
    }

    /// Fields an amendment must not change: they make the guarantee what it is.
    package static func fixedFields(_ r: ContractRecord) -> [(path: String, value: String)] {
        [
            ("guarantee_type", r.guaranteeType.rawValue),
            ("concluded_on", r.concludedOn.description),
            ("orderer.name", r.orderer.name),
            ("orderer.title", r.orderer.title ?? "(none)"),
            ("application.channel", r.application.channel.rawValue),
            ("application.delivery", r.application.delivery.rawValue),
            ("guarantee.period.from", r.guarantee.period.from.description),
            ("guarantee.premium", String(r.guarantee.premium)),
            ("project.category", r.project.category.rawValue),
            ("project.contract_on", r.project.contractOn.description),
        ]
    }

    /// What a change may alter and the certificate prints, labelled as the certificate labels it.
    package static func certificateChanges(_ old: ContractRecord, _ new: ContractRecord, labels c: Certificate) -> [Certificate.Change] {
        let rows: [(String, String, String, String)] = [
            ("project.name", "\(c.project.category.projectLabel)名", old.project.name, new.project.name),
            ("project.orderer_ref", c.ordererRefLabel, old.project.ordererRef ?? "（なし）", new.project.ordererRef ?? "（なし）"),
            ("project.location", c.placeLabel, old.project.location, new.project.location),
            ("project.period", c.periodLabel, JapaneseFormat.warekiPeriod(old.project.period), JapaneseFormat.warekiPeriod(new.project.period)),
            ("project.contract_amount", c.contractAmountLabel, JapaneseFormat.yen(old.project.contractAmount), JapaneseFormat.yen(new.project.contractAmount)),
            ("guarantee.amount", c.guaranteeAmountLabel, JapaneseFormat.yen(old.guarantee.amount), JapaneseFormat.yen(new.guarantee.amount)),
            ("guarantee.period.to", "保証期間", JapaneseFormat.warekiPeriod(old.guarantee.period), JapaneseFormat.warekiPeriod(new.guarantee.period)),
            ("contractor.name", "保証契約者（商号又は名称）", old.contractor.name, new.contractor.name),
            ("contractor.representative", "保証契約者（代表者）", old.contractor.representative, new.contractor.representative),
            ("contractor.address", "保証契約者（所在地）", old.contractor.address, new.contractor.address),
        ]
        return rows.filter { $0.2 != $0.3 }.map { Certificate.Change(field: $0.0, item: $0.1, before: $0.2, after: $0.3) }
    }

    /// Changes the mail names but the certificate does not hold (where the contractor's mail goes).
    package static func mailOnlyChanges(_ old: ContractRecord, _ new: ContractRecord) -> [Certificate.Change] {
        guard old.contractor.email != new.contractor.email else { return [] }
        return [Certificate.Change(field: "contractor.email", item: "受注者のメールアドレス", before: old.contractor.email, after: new.contractor.email)]
    }

    /// - Parameters:
    ///   - stored: the normalized record a version holds (`record.json`), by version number.
    package static func decide(
        _ record: ContractRecord, normalized: [UInt8], current: Certificate, previous: ContractRecord, stored: (Int) -> [UInt8]?, today: CivilDate
    ) -> Decision {
        guard let amendment = record.amendment else { return .reject(RecordRejection("not a change record")) }
        let number = record.contractNumber
        let target = amendment.number + 1
        let currentVersion = current.currentVersion
        if target <= currentVersion, let existing = stored(target), existing == normalized { return .duplicate }
        switch current.state {
        case .cancelled:
            return .reject(
                RecordRejection(
                    path: "$.amendment",
                    "contract \(number) was cancelled (解約) on \(current.cancelledOn?.description ?? "?"); a cancelled guarantee is not changed"))
        case .revoked:
            return .reject(RecordRejection(path: "$.amendment", "contract \(number) is revoked (失効); a revoked certificate is not changed"))
        case .valid: break
        }
        if target <= currentVersion {
            guard let existing = stored(target) else {
                return .reject(
                    RecordRejection(path: "$.amendment.number", "変更第\(amendment.number)号 of \(number) is issued but its record cannot be read; ask an operator")
                )
            }
            let differences = JSONDifference.paths(existing, normalized)
            return .reject(
                RecordRejection(
                    differences.prefix(8).map {
                        ValidationIssue(
                            path: $0.path,
                            expected:
                                "変更第\(amendment.number)号 of \(number) was already issued with \($0.old) here, this file has \($0.new); a change is issued once: send the correction as the next change (変更第\(currentVersion)号)"
                        )
                    }))
        }
        if target > currentVersion + 1 {
            return .wait("変更第\(amendment.number)号 waits for 変更第\(currentVersion)号 of \(number), which is not issued yet")
        }
        let fixed = zip(fixedFields(previous), fixedFields(record)).filter { $0.0.value != $0.1.value }
        if !fixed.isEmpty {
            return .reject(
                RecordRejection(
                    fixed.map {
                        ValidationIssue(
                            path: "$.\($0.0.path)",
                            expected:
                                "a change (変更) must not alter \($0.0.path): it was \"\($0.0.value)\", this file has \"\($0.1.value)\"; if the guarantee itself is different, cancel it and conclude a new one"
                        )
                    }))
        }
        if let replaced = ContractorIdentity.replaced(previous, record) { return .reject(replaced) }
        let previousDay = current.amendment?.concludedOn ?? current.concludedOn
        if amendment.concludedOn < previousDay {
            return .reject(
                RecordRejection(
                    path: "$.amendment.concluded_on",
                    "\(amendment.concludedOn) is before the day of the version it changes (\(previousDay)); give the day the change was agreed"))
        }
        if amendment.concludedOn > today {
            return .reject(RecordRejection(path: "$.amendment.concluded_on", "\(amendment.concludedOn) is in the future (today is \(today) in Japan)"))
        }
        let onCertificate = certificateChanges(previous, record, labels: current)
        let mailOnly = mailOnlyChanges(previous, record) + OffCertificateChanges.between(previous, record)
        if onCertificate.isEmpty {
            let note = mailOnly.isEmpty ? "nothing changed" : "only the contractor's e-mail address changed, which the certificate does not hold"
            return .reject(
                RecordRejection(
                    path: "$.amendment",
                    "変更第\(amendment.number)号 of \(number): \(note) against the issued version \(currentVersion); a change must alter what the certificate states (amounts, periods, names, address)"
                ))
        }
        return .issue(certificate: onCertificate, mailOnly: mailOnly)
    }
}

/// Where two JSON documents differ, as `$.a.b` paths with both values (for conflict messages).
package enum JSONDifference {
    package static func paths(_ a: [UInt8], _ b: [UInt8]) -> [(path: String, old: String, new: String)] {
        guard let x = try? StrictJSONParser.parse(a), let y = try? StrictJSONParser.parse(b) else { return [("$", "other content", "this content")] }
        var out: [(String, String, String)] = []
        walk(x, y, "$", &out)
        return out
    }

    private static func walk(_ a: JSONValue, _ b: JSONValue, _ path: String, _ out: inout [(String, String, String)]) {
        if case .object(let x) = a, case .object(let y) = b {
            for key in Set(x.keys).union(y.keys).sorted() { walk(x[key] ?? .null, y[key] ?? .null, "\(path).\(key)", &out) }
        } else if a != b {
            out.append((path, show(a), show(b)))
        }
    }

    private static func show(_ value: JSONValue) -> String {
        switch value {
        case .null: "nothing"
        case .bool(let b): "\(b)"
        case .number(let n): n
        case .string(let s): "\"\(s.prefix(60))\""
        case .array: "a list"
        case .object: "an object"
        }
    }
}
