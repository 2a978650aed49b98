import Foundation
import Testing

@testable import Issuance
@testable import Model
@testable import Store
@testable import Support

/// The store's acts on a temporary spool: commit, supersede, finishing a cut commit, revoke.
@Suite("ContractStore") struct ContractStoreTests {
    static let number = "R07-4621-000123"

    /// A version with made-up bytes (the store does not read them) and one contractor message.
    static func files(version: Int, certificate: String, id: String) -> ContractFiles {
        let key = MessageKey(contract: number, version: version, role: .contractor)
        let envelope = Envelope(
            messageID: "\(id)@example.jp", contractNumber: number, role: .contractor, version: version == 1 ? nil : version,
            mailFrom: "e-hosho@example.jp", recipients: ["k@example.jp"], messagePath: key.messagePath, queuedAt: 0, nextAttemptAt: 0,
            attempts: [])
        return ContractFiles(
            certificate: Array(certificate.utf8), key: Array("KEY\n".utf8), record: Array("{}".utf8), source: Array("{}".utf8),
            documents: [("certificate.pdf", Array("%PDF".utf8))], messages: [.init(key: key, plan: Array("mail".utf8), envelope: envelope)])
    }

    @Test("a new contract is committed with its mail queued and no journal entry left; a second commit is refused")
    func commitNew() throws {
        let t = try TestSpool()
        let store = ContractStore(spool: t.spool)
        let (folder, dropped) = try store.commit(Self.files(version: 1, certificate: "v1", id: "a"), number: Self.number, history: "issued", as: .new, now: 100)
        #expect(dropped.isEmpty)
        #expect(try PosixFS.read(folder.certificate) == Array("v1".utf8))
        #expect(t.list(t.spool.outbox) == ["\(Self.number).contractor.json"])
        #expect(PosixFS.exists(folder.queuedMarker) && t.list(t.spool.journal).isEmpty)
        #expect(String(decoding: try PosixFS.read(folder.history), as: UTF8.self).hasSuffix(" issued\n"))
        #expect(throws: ContractStore.Failure.self) {
            try store.commit(Self.files(version: 1, certificate: "other", id: "b"), number: Self.number, history: "again", as: .new, now: 101)
        }
        #expect(try PosixFS.read(folder.certificate) == Array("v1".utf8) && t.list(t.spool.journal).isEmpty && t.list(t.spool.temp).isEmpty)
    }

    @Test("superseding keeps the current version under versions/, and all messages; a stale previous version is refused")
    func supersede() throws {
        let t = try TestSpool()
        let store = ContractStore(spool: t.spool)
        let (folder, _) = try store.commit(Self.files(version: 1, certificate: "v1", id: "a"), number: Self.number, history: "issued", as: .new, now: 100)
        _ = try store.commit(
            Self.files(version: 2, certificate: "v2", id: "b"), number: Self.number, history: "changed", as: .superseding(previous: 1), now: 200)
        #expect(try PosixFS.read(folder.certificate) == Array("v2".utf8))
        #expect(try PosixFS.read(folder.version(1).certificate) == Array("v1".utf8))
        #expect(PosixFS.exists("\(folder.version(1).documents)/certificate.pdf"))
        #expect(t.list(folder.messages) == ["contractor.json", "contractor.plan", "v2.contractor.json", "v2.contractor.plan"])
        #expect(t.list(t.spool.outbox).contains("\(Self.number).v2.contractor.json") && t.list(t.spool.journal).isEmpty)
        let history = String(decoding: try PosixFS.read(folder.history), as: UTF8.self)
        #expect(history.contains(" issued\n") && history.hasSuffix(" changed\n"))
        #expect(throws: ContractStore.Failure.self) {
            try store.commit(Self.files(version: 3, certificate: "v3", id: "c"), number: Self.number, history: "x", as: .superseding(previous: 7), now: 300)
        }
    }

    @Test("finishPending finishes a new contract's commit cut between its rename and its queueing, and says so")
    func finishPendingNew() throws {
        let t = try TestSpool()
        let store = ContractStore(spool: t.spool)
        let (folder, _) = try store.commit(Self.files(version: 1, certificate: "v1", id: "a"), number: Self.number, history: "issued", as: .new, now: 100)
        // The state a kill right after the rename leaves: the folder, its journal entry, nothing queued.
        try PosixFS.remove("\(t.spool.outbox)/\(Self.number).contractor.json")
        try PosixFS.remove(folder.queuedMarker)
        try t.spool.write("new \(Self.number)\n", to: "\(t.spool.journal)/new-\(Self.number).1.2")
        // And one cut before its rename: nothing committed, nothing to queue.
        try t.spool.write("new R07-4621-000999\n", to: "\(t.spool.journal)/new-R07-4621-000999.1.3")
        let finished = try store.finishPending(now: 200)
        #expect(finished.committed == [Self.number])
        #expect(t.list(t.spool.outbox) == ["\(Self.number).contractor.json"] && PosixFS.exists(folder.queuedMarker))
        #expect(t.list(t.spool.journal).isEmpty)
        // Finishing is safe to repeat: nothing is queued twice.
        try t.spool.write("commit \(Self.number)\n", to: "\(t.spool.journal)/commit-\(Self.number)")
        _ = try store.finishPending(now: 300)
        #expect(t.list(t.spool.outbox) == ["\(Self.number).contractor.json"])
    }

    @Test("a revocation cut after its journal entry is finished: the certificate, no queued mail, one history line")
    func revokeCut() throws {
        let t = try TestSpool()
        let store = ContractStore(spool: t.spool)
        let (folder, _) = try store.commit(Self.files(version: 1, certificate: "v1", id: "a"), number: Self.number, history: "issued", as: .new, now: 100)
        try t.spool.write(Array("revoked by test\n".utf8) + Array("REVOKED".utf8), to: "\(t.spool.journal)/revoke-\(Self.number)")
        let finished = try store.finishPending(now: 200)
        #expect(finished.revoked == [Self.number])
        #expect(try PosixFS.read(folder.certificate) == Array("REVOKED".utf8))
        #expect(t.list(t.spool.outbox).isEmpty && t.list(t.spool.journal).isEmpty)
        // The whole act again (a second revoke after a cut that had already written the history line).
        let dropped = try store.revoke(Self.number, certificate: Array("REVOKED".utf8), history: "revoked by test")
        #expect(dropped.isEmpty)
        let history = String(decoding: try PosixFS.read(folder.history), as: UTF8.self)
        #expect(history.components(separatedBy: "revoked by test").count == 2)
    }
}
