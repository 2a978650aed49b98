import Foundation

/// `reissue-key` and `revoke`. A reissue builds the whole contract folder anew (new key, key notice
/// and mails, same 電子証書 facts) and swaps it in with one atomic exchange; a journal entry makes
/// the next run finish the queueing if a crash comes between.
struct KeyReissue {
    let configuration: Configuration
    var now: @Sendable () -> Int = { WallClock.epochSeconds() }

    private var spool: Spool { configuration.spool }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private func load(_ number: String) throws -> (ContractFolder, Certificate, JSONValue) {
        let folder = try spool.requireIssued(number)
        let bytes = try PosixFS.read(folder.certificate)
        return (folder, try JSONDecoder().decode(Certificate.self, from: Data(bytes)), try StrictJSONParser.parse(bytes))
    }

    func reissue(_ number: String) throws -> [String] {
        let (folder, certificate, _) = try load(number)
        guard certificate.state != .revoked else { throw Failure(description: "contract \(number) is revoked; a revoked certificate gets no new key") }
        let record = try ContractValidator.validate(PosixFS.read(folder.record))
        let directory = try OrdererDirectory.load(overrides: configuration.orderersFile)
        let orderer = directory.orderer(for: record) ?? Orderer(name: record.orderer.name, title: certificate.obligee.title)
        let templates = try TemplateLibrary(overrides: configuration.templatesDirectory)
        let builder = IssueBuilder(configuration: configuration, templates: templates, signer: try configuration.loadSigner())
        let epoch = now()
        let bundle = try builder.build(record, orderer: orderer, key: AuthenticationKey.generate(), epochSeconds: epoch, previous: certificate)

        let temp = "\(spool.temp)/\(number).reissue.\(getpid())"
        let built = ContractFolder(path: temp)
        try? PosixFS.removeTree(temp)
        try built.write(bundle, contractNumber: number, mailFrom: configuration.mail.from.address, epoch: epoch)
        for file in [folder.record, folder.source] {
            try PosixFS.writeNew(try PosixFS.read(file), to: "\(temp)/\(PosixFS.lastComponent(file))", sync: false)
        }
        for file in try PosixFS.list(folder.sent) {
            try PosixFS.writeNew(try PosixFS.read("\(folder.sent)/\(file)"), to: "\(built.sent)/\(file)", sync: false)
        }
        var history = (try? PosixFS.read(folder.history)) ?? []
        history += Array("\(JST.iso8601(epochSeconds: epoch)) key reissued by \(ProcessUser.name); the previous key is revoked\n".utf8)
        try PosixFS.writeNew(history, to: built.history, sync: false)
        try built.makeDurable()

        try spool.recordReissue(number)
        try PosixFS.exchange(temp, folder.path)
        try PosixFS.syncDirectory(spool.contracts)
        try PosixFS.removeTree(temp)
        return try finish(number)
    }

    /// After the swap: drop the old key's queued mails and queue the new ones (every `mailbatch run`
    /// does the same for journal entries a crash left behind).
    func finish(_ number: String) throws -> [String] {
        let dropped = try spool.finishReissue(number, now: now())
        return dropped.map { "dropped outbox/\($0) (it carried the old key)" } + ["new key notice and mails queued; the next run sends them"]
    }

    func revoke(_ number: String, reason: String) throws -> [String] {
        let (folder, certificate, _) = try load(number)
        guard certificate.state != .revoked else { return ["contract \(number) was already revoked on \(certificate.revokedAt ?? "?")"] }
        var revoked = certificate
        revoked.state = .revoked
        revoked.revokedAt = JST.iso8601(epochSeconds: now())
        revoked.revocationReason = reason
        let json = try CertificateSigner.document(revoked, signedBy: try configuration.loadSigner())
        try spool.write(json.pretty, to: folder.certificate)
        var done: [String] = []
        for file in try spool.queueEntries(in: spool.outbox, of: number) {
            try PosixFS.remove("\(spool.outbox)/\(file)")
            done.append("dropped outbox/\(file): a revoked certificate is not announced")
        }
        try PosixFS.appendLine("\(revoked.revokedAt!) certificate revoked by \(ProcessUser.name): \(reason)", to: folder.history)
        return done + ["contract \(number) revoked"]
    }
}
