import CFuzzMain

// libFuzzer target for the bounce reader: any bytes are read without a crash, a hang or unbounded
// recursion, and whatever it calls a report names a status code of the form class.subject.detail.
// Built only by scripts/fuzz.
@testable import Model
@testable import Support
@testable import Transport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBounce(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let mail = ReturnedMail.read(Array(UnsafeBufferPointer(start: data, count: size)))
    if case .report = mail.kind {
        precondition(!mail.recipients.isEmpty, "a report without a recipient")
        for r in mail.recipients {
            let parts = r.status.split(separator: ".")
            precondition(parts.count == 3 && ["2", "4", "5"].contains(parts[0]), "status \(r.status)")
        }
    }
    let rp = ReturnPath(template: "bounces+{token}@bounces.example.jp")!
    for address in mail.deliveredTo {
        if let token = rp.token(in: address) { precondition(rp.address(token: token).count <= address.count) }
    }
    return 0
}
