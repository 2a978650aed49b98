/// Which records are not for electronic delivery at all (orderer adoption rules come on top of this).
enum PaperRouting {
    static func reason(for record: ContractRecord) -> String? {
        if !record.guaranteeType.isEligibleForElectronicDelivery {
            return "\(record.guaranteeType.japaneseName)は電子保証の対象外です（対象は前払金保証・中間前払金保証・契約保証）"
        }
        if record.application.delivery == .paper {
            return "受注者が書面での交付を選択しています（application.delivery = \"paper\"）"
        }
        return nil
    }
}
