extension Orderer.Rule {
    /// This rule with the keys `other` sets put over it: an operator's per-type table changes only
    /// the keys it names and keeps the rest of the shipped one (its department, its advance claim).
    func overlaid(by other: Self) -> Self {
        var out = self
        if let v = other.emails { out.emails = v }
        if let v = other.department { out.department = v }
        if let v = other.subject { out.subject = v }
        if let v = other.submission { out.submission = v }
        if let v = other.certificatePrintout { out.certificatePrintout = v }
        if let v = other.withAdvanceClaim { out.withAdvanceClaim = v }
        if let v = other.instructions { out.instructions = v }
        if let v = other.attachments { out.attachments = v }
        if let v = other.requiredFields { out.requiredFields = v }
        return out
    }
}
