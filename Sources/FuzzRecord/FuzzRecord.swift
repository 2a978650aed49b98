// libFuzzer target for the record decoder and validator: any bytes must give a record or a
// rejection, never a crash. Built only by scripts/fuzz (MAILBATCH_FUZZ=1).
import CFuzzMain

@testable import Model
@testable import Support

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRecord(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do {
        let record = try ContractValidator.validate(bytes)
        // A record that passes must be safe to use as a folder name and in mail headers.
        precondition(ContractValidator.isValidContractNumber(record.contractNumber))
        precondition(EmailAddress.isPlainAddrSpec(record.contractor.email))
        precondition(!record.contractor.name.unicodeScalars.contains(where: FieldReader.isForbidden))
    } catch {
        precondition(!error.issues.isEmpty)
    }
    return 0
}
