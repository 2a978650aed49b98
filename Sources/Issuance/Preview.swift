package import Config
import Model
import Store
import Support

/// Renders one record's documents and mails to a folder with the sample key, for operators and
/// designers to look at. Touches neither the spool nor the mail server.
package struct Preview {
    package let configuration: Configuration
    package var now: @Sendable () -> Int = { WallClock.epochSeconds() }

    /// The input file cannot be previewed; the command reports it.
    package struct Failure: Error, CustomStringConvertible {
        package let description: String

        package init(description: String) {
            self.description = description
        }
    }

    package func render(file: String, into folder: String) throws -> [String] {
        let bytes: [UInt8]
        switch try PosixFS.readRegularFile(file, limit: ContractValidator.maximumFileSize) {
        case .bytes(let read): bytes = read
        case .tooLarge(let size): throw Failure(description: "\(file) is \(size) bytes; at most 1 MiB is accepted")
        case .notRegularFile(let kind): throw Failure(description: "\(file) is \(kind), not a regular file")
        }
        let record: ContractRecord
        do {
            record = try ContractValidator.validate(bytes)
        } catch {
            throw Failure(description: "\(file) is not a valid record:\n\(error.description)")
        }
        let templates = try TemplateLibrary(overrides: configuration.templatesDirectory)
        let directory = try OrdererDirectory.load(configuration)
        // The run's own decision; a preview renders anyway and says what a run would do instead.
        var (orderer, title) = IssuancePolicy.previewAddressee(record, in: directory)
        let today = JST.components(epochSeconds: now()).date
        switch IssuancePolicy.decide(record, in: directory, today: today, branches: configuration.branches) {
        case .issue(let found, let addressee): (orderer, title) = (found, addressee)
        case .paper(let reason): FileHandleStderr.write("note: \(file) would not be issued electronically: \(reason)\n")
        case .reject(let rejection): FileHandleStderr.write("note: \(file) would be rejected by a run today: \(rejection.description)\n")
        }
        let bundle = try IssueBuilder(configuration: configuration, templates: templates, signer: try configuration.loadSigner())
            .build(
                record, orderer: orderer, title: title, key: IssueBuilder.sampleKey, epochSeconds: now(), sample: true,
                change: try change(record, file: file, today: today))
        try PosixFS.makeDirectory(folder)
        var written: [String] = []
        for document in bundle.documents {
            let path = "\(folder)/\(document.kind.attachmentName(for: bundle.certificate))"
            try PosixFS.writeAtomically(document.bytes, to: path, tempFolder: folder)
            written.append(path)
        }
        for message in bundle.messages {
            let path = "\(folder)/\(record.contractNumber).\(message.role).eml"
            try PosixFS.writeAtomically(message.mail.rendered(), to: path, tempFolder: folder)
            written.append(path)
        }
        return written
    }

    /// A change record is previewed against the contract's current version in the configured spool.
    private func change(_ record: ContractRecord, file: String, today: CivilDate) throws -> IssueBuilder.Change? {
        guard let amendment = record.amendment else { return nil }
        let folder = ContractFolder(path: configuration.spool.contractFolder(record.contractNumber))
        guard PosixFS.exists(folder.path), let current = Issuer.Current(folder) else {
            throw Failure(
                description:
                    "\(file) is 変更第\(amendment.number)号 of \(record.contractNumber), which is not issued in \(configuration.spool.contracts); a change is previewed against its issued version"
            )
        }
        let normalized = Array(try SpoolJSON.encode(record))
        let decision = AmendmentRules.decide(
            record, normalized: normalized, current: current.certificate, previous: current.record, stored: { _ in nil }, today: today)
        let why: String
        switch decision {
        case .issue(let changes, let mailOnly):
            return .init(previous: current.certificate, previousFingerprint: current.fingerprint, changes: changes, mailOnly: mailOnly)
        case .duplicate: why = "it is issued already"
        case .wait(let reason): why = reason
        case .reject(let rejection): why = rejection.description
        }
        throw Failure(description: "\(file) would not be issued as the next version of \(record.contractNumber): \(why)")
    }

    package init(configuration: Configuration, now: @escaping @Sendable () -> Int = { WallClock.epochSeconds() }) {
        self.configuration = configuration
        self.now = now
    }
}
