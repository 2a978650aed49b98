import Glibc
import Testing

@testable import Store
@testable import Support

@Suite("Flushing a contract folder")
struct PosixFSTests {
    @Test("a folder's new files are flushed by one syncfs; a missing folder is an error naming it")
    func syncFileSystem() throws {
        var template = Array("/tmp/mailbatch-posixfs-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        let folder = String(cString: try #require(made))
        defer { try? PosixFS.removeTree(folder) }
        let contract = ContractFolder(path: "\(folder)/R07-0000-000001")
        try PosixFS.makeDirectory(contract.path)
        try PosixFS.writeNew(Array("{}".utf8), to: contract.record, sync: false)
        try contract.makeDurable()
        #expect(try PosixFS.read(contract.record) == Array("{}".utf8))

        let error = #expect(throws: FileSystemError.self) { try PosixFS.syncFileSystem("\(folder)/missing") }
        #expect(error?.description.contains("\(folder)/missing") == true)
    }
}
