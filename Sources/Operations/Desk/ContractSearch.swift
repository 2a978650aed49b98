import Foundation
package import Model
package import Store
package import Support

/// The branch desk's one search field: a contract number, a contractor's name or e-mail address, an
/// orderer or a project name, matched as a part of the text without regard to case or to full-width
/// and half-width forms. At most `limit` results, newest contract numbers first.
package struct ContractSearch: Sendable {
    package struct Hit: Sendable, Equatable {
        package let number: String
        package let contractor: String
        package let orderer: String
        package let project: String
        /// 有効, 失効, 解約.
        package let state: String
        /// The worst state of its mail: 不達, 送信失敗, 送信待ち, 送信済み, or なし.
        package let mail: String
    }

    package let spool: Spool
    package var limit = 50

    package init(spool: Spool, limit: Int = 50) {
        self.spool = spool
        self.limit = limit
    }

    /// Too short a query (nothing after folding) finds nothing rather than everything.
    package func find(_ query: String) throws(FileSystemError) -> (hits: [Hit], more: Bool) {
        let needle = Self.fold(query)
        guard !needle.isEmpty, needle.count <= 200 else { return ([], false) }
        var hits: [Hit] = []
        var more = false
        for number in try PosixFS.list(spool.contracts).filter({ !$0.hasPrefix(".") }).sorted(by: >) {
            let folder = ContractFolder(path: spool.contractFolder(number))
            guard let (c, _, _) = folder.readCertificate() else { continue }
            let record = try? JSONDecoder().decode(ContractRecord.self, from: Data(PosixFS.read(folder.record)))
            let fields = [
                c.contractNumber, c.principal.name, c.principal.representative, record?.contractor.email ?? "", c.obligee.name, c.obligee.title,
                c.project.name,
            ]
            guard fields.contains(where: { Self.fold($0).contains(needle) }) else { continue }
            guard hits.count < limit else {
                more = true
                break
            }
            hits.append(
                Hit(
                    number: c.contractNumber, contractor: c.principal.name, orderer: c.obligee.title.isEmpty ? c.obligee.name : c.obligee.title,
                    project: c.project.name, state: Self.stateName(c.state), mail: mailState(folder, number: number)))
        }
        return (hits, more)
    }

    package static func stateName(_ state: Certificate.State) -> String {
        switch state {
        case .valid: "有効"
        case .revoked: "失効"
        case .cancelled: "解約"
        }
    }

    private func mailState(_ folder: ContractFolder, number: String) -> String {
        let states = ((try? ContractSheet.envelopes(spool, folder, number: number)) ?? []).map(\.0)
        for (state, name) in [("bounced", "不達あり"), ("failed", "送信失敗あり"), ("queued", "送信待ちあり"), ("sent", "送信済み")] where states.contains(state) {
            return name
        }
        return "なし"
    }

    /// Lower case, full-width ASCII and the ideographic space as their half-width forms, outer spaces trimmed.
    package static func fold(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0xFF01...0xFF5E: out.append(Unicode.Scalar(scalar.value - 0xFEE0)!)
            case 0x3000: out.append(" ")
            default: out.append(scalar)
            }
        }
        return String(out).lowercased().trimmingCharacters(in: .whitespaces)
    }
}
