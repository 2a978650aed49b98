package import Model
package import Store

/// How the viewer has a one-time receipt link mailed to an orderer: the viewer decides when and
/// keeps the link's record; the implementation (`ReceiptMailer`, handed in by the `serve` command)
/// renders the mail and sends it. The viewer itself reaches neither the templates nor the mail server.
package protocol ReceiptLinkMailing: Sendable {
    /// The viewer's public address, the base of the link; nil when `[viewer] url` is not set.
    var viewerURL: String? { get }

    /// The orderer's registered addresses for the record in `folder`: empty when the directory has none.
    func ordererAddresses(_ folder: ContractFolder) -> (orderer: Orderer?, record: ContractRecord?, addresses: [String])

    /// Sends the link to the orderer's addresses alone (never a copy to the contractor).
    func send(
        _ certificate: Certificate, record: ContractRecord, orderer: Orderer, office: BranchOffice, secret: String, clerk: String, expiresAt: Int,
        base: String, epochSeconds: Int
    ) async -> ReceiptLinkOutcome
}

package enum ReceiptLinkOutcome: Sendable {
    case sent
    case failed(String)
}

package enum ReceiptLinkLifetime {
    /// How long a receipt link stays valid.
    package static let seconds = 3 * 86_400
    /// How many links of one certificate version may be open (mailed, neither used nor expired) at once.
    package static let openAtMost = 3
}
