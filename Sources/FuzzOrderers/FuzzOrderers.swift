// libFuzzer target for the orderer override file: any bytes applied over the shipped directory must
// give orderers or a configuration error, never a crash. Built only by scripts/fuzz.
import CFuzzMain

@testable import Config
@testable import Model
@testable import Support
@testable import Viewer

private let shipped: [String: Orderer] = (try? OrdererDirectory.load(overrides: nil).orderers) ?? [:]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOrderers(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    precondition(!shipped.isEmpty, "the shipped orderer directory did not load")
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let table: TOMLTable
    do {
        table = try TOMLReader.parse(bytes)
    } catch {
        precondition(error.line >= 1 && error.column >= 1 && !error.message.isEmpty)
        return 0
    }
    var orderers = shipped
    do {
        try OrdererFileParser.apply(TOMLSection(table, name: "", file: "fuzz.toml"), to: &orderers, overrides: true)
        for orderer in orderers.values {
            precondition(orderer.emails.allSatisfy(EmailAddress.isPlainAddrSpec))
            precondition(!(orderer.subject ?? "").contains { $0 == "\n" || $0 == "\r" })
        }
    } catch {
        precondition(error.description.contains("fuzz.toml"))
    }
    return 0
}
