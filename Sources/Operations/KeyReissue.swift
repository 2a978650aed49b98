package import Config
import Foundation
import Issuance
import Model
import Store
import Support

/// `reissue-key` and `revoke`. A reissue builds a new version (new key, key notice and mails, same
/// 電子証書 facts) that `ContractStore` commits in place of the old one.
package struct KeyReissue {
    package let configuration: Configuration
    package var now: @Sendable () -> Int = { WallClock.epochSeconds() }

    private var spool: Spool { configuration.spool }

    package struct Failure: Error, CustomStringConvertible {
        package let description: String

        package init(description: String) {
            self.description = description
        }
    }

    private func load(_ number: String) throws -> (ContractFolder, Certificate, JSONValue) {
        let folder = try spool.requireIssued(number)
        let bytes = try PosixFS.read(folder.certificate)
        return (folder, try JSONDecoder().decode(Certificate.self, from: Data(bytes)), try StrictJSONParser.parse(bytes))
    }

    package func reissue(_ number: String, by request: OperatorRequest) throws -> [String] {
        let (folder, certificate, _) = try load(number)
        guard certificate.state != .revoked else { throw Failure(description: "contract \(number) is revoked; a revoked certificate gets no new key") }
        guard certificate.state != .cancelled else {
            throw Failure(description: "contract \(number) was cancelled (解約); a cancelled certificate gets no new key")
        }
        let record = try ContractValidator.validate(PosixFS.read(folder.record))
        let directory = try OrdererDirectory.load(configuration)
        let (orderer, title) = IssuancePolicy.decideForIssued(record, issued: certificate, in: directory)
        let templates = try TemplateLibrary(overrides: configuration.templatesDirectory)
        var builder = IssueBuilder(configuration: configuration, templates: templates, signer: try configuration.loadSigner())
        builder.pdfSigning = try configuration.loadPDFSigning()
        let epoch = now()
        let bundle = try builder.build(record, orderer: orderer, title: title, key: AuthenticationKey.generate(), epochSeconds: epoch, previous: certificate)

        let files = bundle.files(
            contractNumber: number, record: try PosixFS.read(folder.record), source: try PosixFS.read(folder.source),
            mailFrom: configuration.mail.from.address, epoch: epoch)
        let dropped: [String]
        do {
            (_, dropped) = try ContractStore(spool: spool).commit(
                files, number: number, history: "key reissued by \(request.phrase); the previous key is revoked", as: .replacing, now: epoch)
        } catch {
            switch error {
            case .fileSystem(let fs): throw fs
            case .alreadyIssued: throw Failure(description: "contract \(number) changed during the reissue; try again")
            }
        }
        return dropped.map { "dropped outbox/\($0) (it carried the old key)" } + ["new key notice and mails queued; the next run sends them"]
    }

    package func revoke(_ number: String, by request: OperatorRequest) throws -> [String] {
        let store = ContractStore(spool: spool)
        _ = try spool.requireIssued(number)
        if let dropped = try store.finishPendingRevocation(number) {
            return dropped.map { "dropped outbox/\($0): a revoked certificate is not announced" } + [
                "contract \(number) revoked (the revocation an interrupted command began is finished)"
            ]
        }
        let (_, certificate, _) = try load(number)
        guard certificate.state != .revoked else { return ["contract \(number) was already revoked on \(certificate.revokedAt ?? "?")"] }
        var revoked = certificate
        revoked.state = .revoked
        revoked.revokedAt = JST.iso8601(epochSeconds: now())
        revoked.revocationReason = request.reason
        let json = try CertificateSigner.document(revoked, signedBy: try configuration.loadSigner())
        let line = "\(revoked.revokedAt!) certificate revoked by \(request.phrase)"
        let dropped = try store.revoke(number, certificate: Array(json.pretty.utf8), history: line)
        let done = dropped.map { "dropped outbox/\($0): a revoked certificate is not announced" }
        return done + ["contract \(number) revoked"]
    }

    package init(configuration: Configuration, now: @escaping @Sendable () -> Int = { WallClock.epochSeconds() }) {
        self.configuration = configuration
        self.now = now
    }
}
