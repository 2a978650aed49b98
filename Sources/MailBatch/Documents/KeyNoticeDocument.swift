/// 電子証書閲覧用「認証キー」等のお知らせ: the notice the contractor prints and hands to the orderer,
/// with the contract number and the key the orderer enters in D-Sure to view the 電子証書.
enum KeyNoticeDocument {
    static let title = "電子証書閲覧用「認証キー」等のお知らせ"

    static func render(_ facts: DocumentFacts, templates: TemplateLibrary, sample: Bool = false) throws(TemplateLibrary.Failure) -> [UInt8] {
        let c = facts.certificate
        let canvas = PDFCanvas(
            metadata: .init(
                title: "\(title)（\(c.contractNumber)）", author: c.surety, subject: c.guaranteeTypeName,
                createdISO8601: c.issuedAt))
        var page = DocumentLayout(canvas: canvas)
        page.titleBlock(title: title, date: "発行日 " + JapaneseFormat.wareki(facts.issuedOn))

        var addressee = DocumentLayout.body
        addressee.size = 13
        page.paragraph("\(c.obligee.title) 殿", style: addressee, after: 4)
        var right = DocumentLayout.body
        right.alignment = .right
        page.paragraph(c.surety, style: right, after: 14)

        page.paragraph(try templates.render("key-notice-intro", facts.context))

        var keyStyle = PDFCanvas.Style(font: "DejaVu Sans Mono", size: 15, bold: true)
        keyStyle.lineSpacing = 1.0
        var numberStyle = keyStyle
        numberStyle.size = 13
        let label = c.project.category.projectLabel
        page.table(
            [
                ("保証契約番号", c.contractNumber),
                ("認証キー", sample ? "\(facts.key)\n（見本：このキーは使用できません）" : facts.key),
                ("保証の種類", c.guaranteeTypeName),
                ("被保証者（発注者）", "\(c.obligee.title)（\(c.obligee.name)）"),
                ("保証契約者（受注者）", "\(c.principal.name)\n\(c.principal.representative)\n\(c.principal.address)"),
                ("\(label)名", c.project.name),
                ("\(label)場所", c.project.location),
                ("保証金額", JapaneseFormat.yen(c.guarantee.amount)),
                ("保証期間", JapaneseFormat.warekiPeriod(c.guarantee.period)),
                ("保証契約締結日", JapaneseFormat.wareki(c.concludedOn)),
            ], labelWidth: 130, valueStyles: [0: numberStyle, 1: keyStyle])

        page.paragraph("発注者ご担当者様へ", style: DocumentLayout.label, after: 4)
        page.paragraph(try templates.render("key-notice-instructions", facts.context), indent: 8)
        page.paragraph(try templates.render("key-notice-caution", facts.context), style: DocumentLayout.small)
        return page.finish()
    }
}
