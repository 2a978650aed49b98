package import Model
import Support

/// File names for the contractor's books (電子帳簿保存法's search by name): the transaction day, the
/// amount and the counterparty in a fixed order, e.g.
/// `20251020_123000円_西日本建設業保証_保証料領収書_R07-4621-000123.pdf`. Used for signed documents.
package enum BookkeepingNames {
    package static func name(_ kind: DocumentKind, facts: DocumentFacts, surety: String) -> String? {
        let (day, stem): (CivilDate, String)
        switch kind {
        case .receipt: (day, stem) = (facts.premiumPaidOn, "保証料領収書")
        case .premiumStatement: (day, stem) = (facts.issuedOn, "保証料計算書")
        case .keyNotice, .certificate: return nil
        }
        let c = facts.certificate
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let date = "\(day.year)\(two(day.month))\(two(day.day))"
        let amendment = c.amendment.map { "_変更第\($0.number)号" } ?? ""
        return "\(date)_\(facts.premium.total)円_\(shortName(surety))_\(stem)_\(c.contractNumber)\(amendment).pdf"
    }

    /// The company's name without its legal form: 西日本建設業保証株式会社 → 西日本建設業保証.
    package static func shortName(_ surety: String) -> String {
        var name = surety
        for form in ["株式会社", "（株）", "(株)"] { name = name.replacing(form, with: "") }
        let trimmed = name.filter { !$0.isWhitespace }
        return trimmed.isEmpty ? surety : trimmed
    }
}
