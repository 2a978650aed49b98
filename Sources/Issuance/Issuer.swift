package import Model
package import Store
package import Support

/// Issues one eligible contract: a new key and its `IssueBundle`, committed as a new contract by
/// `ContractStore` (one rename: before it nothing of it exists; after it, everything does).
package struct Issuer: Sendable {
    package let spool: Spool
    package let builder: IssueBuilder
    package let now: @Sendable () -> Int

    package enum Failure: Error, CustomStringConvertible {
        case fileSystem(FileSystemError)
        case template(String)
        /// The time-stamp authority did not answer: the record waits in processing/ for the next run.
        case timestampUnavailable(String)
        case alreadyIssued(String)
        /// A file of the issued contract cannot be read (its key file, for a cancellation): this
        /// record is held, the run goes on.
        case unreadable(String)

        package var description: String {
            switch self {
            case .fileSystem(let error): error.description
            case .template(let message), .timestampUnavailable(let message): message
            case .alreadyIssued(let number): "contract \(number) was issued meanwhile"
            case .unreadable(let message): message
            }
        }
    }

    /// Builds the version (a new key) and hands it to `ContractStore`, which commits and queues it.
    package func issue(_ record: ContractRecord, orderer: Orderer, title: String, normalized: [UInt8], source: [UInt8]) throws(Failure) -> ContractFolder {
        let epoch = now()
        let bundle: IssueBundle
        do {
            bundle = try builder.build(record, orderer: orderer, title: title, key: AuthenticationKey.generate(), epochSeconds: epoch)
        } catch {
            throw error.temporary ? .timestampUnavailable(error.description) : .template(error.description)
        }
        let number = record.contractNumber
        let files = bundle.files(
            contractNumber: number, record: normalized, source: source, mailFrom: builder.configuration.mail.from.address, epoch: epoch)
        do {
            return try ContractStore(spool: spool).commit(files, number: number, history: "issued by \(ProcessUser.name)", as: .new, now: epoch).0
        } catch {
            switch error {
            case .alreadyIssued(let number): throw .alreadyIssued(number)
            case .fileSystem(let fs): throw .fileSystem(fs)
            }
        }
    }

    package init(spool: Spool, builder: IssueBuilder, now: @escaping @Sendable () -> Int) {
        self.spool = spool
        self.builder = builder
        self.now = now
    }
}
