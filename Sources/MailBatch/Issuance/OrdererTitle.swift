/// The addressee title (日置市長, 福岡県知事) when the record does not give one.
/// A stop-gap until the orderer directory supplies titles: 市町村 → 長, 都道府県 → 知事.
enum OrdererTitle {
    static func `default`(for name: String) -> String {
        if name.hasSuffix("県") || name.hasSuffix("府") || name.hasSuffix("都") || name == "北海道" { return name + "知事" }
        if name.hasSuffix("市") || name.hasSuffix("町") || name.hasSuffix("村") || name.hasSuffix("区") { return name + "長" }
        return name
    }

    static func resolve(_ orderer: ContractRecord.Orderer) -> String {
        orderer.title ?? `default`(for: orderer.name)
    }
}
