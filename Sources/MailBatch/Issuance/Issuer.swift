import Glibc

/// Issues one eligible contract: a new key and its `IssueBundle`, written to a temp folder and renamed
/// into `contracts/<保証契約番号>/` in one step (the commit point). Before that rename nothing of it
/// exists; after it, everything does.
struct Issuer: Sendable {
    let spool: Spool
    let builder: IssueBuilder
    let now: @Sendable () -> Int

    enum Failure: Error, CustomStringConvertible {
        case fileSystem(FileSystemError)
        case template(String)
        case alreadyIssued(String)

        var description: String {
            switch self {
            case .fileSystem(let error): error.description
            case .template(let message): message
            case .alreadyIssued(let number): "contract \(number) was issued meanwhile"
            }
        }
    }

    func issue(_ record: ContractRecord, orderer: Orderer, normalized: [UInt8], source: [UInt8]) throws(Failure) -> ContractFolder {
        let epoch = now()
        let bundle: IssueBundle
        do {
            bundle = try builder.build(record, orderer: orderer, key: AuthenticationKey.generate(), epochSeconds: epoch)
        } catch {
            throw .template(error.description)
        }
        let number = record.contractNumber
        let temp = "\(spool.temp)/\(number).\(getpid()).\(UInt32.random(in: 0...UInt32.max))"
        let built = ContractFolder(path: temp)
        let final = ContractFolder(path: spool.contractFolder(number))
        do {
            try built.write(bundle, contractNumber: number, mailFrom: builder.configuration.mail.from.address, epoch: epoch)
            try PosixFS.writeNew(normalized, to: built.record, sync: false)
            try PosixFS.writeNew(source, to: built.source, sync: false)
            let history = "\(JST.iso8601(epochSeconds: epoch)) issued by \(ProcessUser.name)\n"
            try PosixFS.writeNew(Array(history.utf8), to: built.history, sync: false)
            try built.makeDurable()
            if PosixFS.exists(final.path) { throw Failure.alreadyIssued(number) }
            // Another worker may have committed the same number since the check: rename(2) then
            // fails on the non-empty folder, and this bundle (with its key) is dropped unseen.
            if rename(temp, final.path) != 0 {
                let code = errno
                if code == ENOTEMPTY || code == EEXIST { throw Failure.alreadyIssued(number) }
                throw FileSystemError("move \(temp) to", final.path, code: code)
            }
            try PosixFS.syncDirectory(spool.contracts)
        } catch let error as FileSystemError {
            try? PosixFS.removeTree(temp)
            throw .fileSystem(error)
        } catch let error as Failure {
            try? PosixFS.removeTree(temp)
            throw error
        } catch {
            try? PosixFS.removeTree(temp)
            throw .fileSystem(FileSystemError("issue", temp, code: EIO))
        }
        return final
    }
}
