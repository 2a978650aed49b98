package import Support

/// Whether an orderer takes electronic surety for a project, decided before any key is made.
package enum Eligibility {
    package enum Decision: Equatable, Sendable {
        case eligible(Orderer)
        case notEligible(reason: String)
    }

    package static func decide(
        orderer name: String, category: ContractRecord.Category, contractOn: CivilDate?, publicNoticeOn: CivilDate?,
        in directory: OrdererDirectory
    ) -> Decision {
        guard let orderer = directory.orderer(named: name) else {
            return .notEligible(reason: "発注者「\(name)」は電子保証の導入発注者として登録されていません（導入済みであれば運用者が orderers ファイルに追加してください）")
        }
        guard orderer.accepts(surety: directory.surety) else {
            return .notEligible(
                reason: "\(orderer.name)は\(orderer.sureties.joined(separator: "・"))の電子証書のみを受け付けています（\(directory.surety ?? "")の電子証書は受け付けていません）")
        }
        let what = orderer.categoryName(category)
        guard let start = orderer.startDate(for: category) else {
            return .notEligible(reason: "\(orderer.name)は\(what)について電子保証を導入していません")
        }
        let date = orderer.basis == .contract ? contractOn : publicNoticeOn
        guard let date else {
            return .notEligible(
                reason: "\(orderer.name)は\(orderer.basis.dateName)で電子保証の対象を判定しますが、\(orderer.basis.dateName)（\(orderer.basis.field)）がありません")
        }
        guard date >= start else {
            return .notEligible(
                reason:
                    "\(orderer.name)は\(what)について\(JapaneseFormat.wareki(start))以降の\(orderer.basis.eventName)から電子保証の対象です（\(orderer.basis.dateName): \(JapaneseFormat.wareki(date))）"
            )
        }
        return .eligible(orderer)
    }
}
