import CFuzzMain
// libFuzzer target for the MIME encoder: any text must come back whole from the encoded words,
// with no line over 76 columns and no CR or LF of its own. Built only by scripts/fuzz.
import Foundation

@testable import MIME
@testable import Support

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMIME(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let header = MIMEEncoder.unstructuredHeader("Subject", text)
    precondition(header.hasSuffix("\r\n"))
    let lines = header.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast()
    for line in lines {
        precondition(line.last == 0x0D, "bare LF")
        precondition(line.count - 1 <= 78, "line too long")
        precondition(!line.dropLast().contains(0x0D), "bare CR")
    }
    if !(MIMEEncoder.isPlainASCII(text) && text.utf8.count + 9 <= 78) {
        var decoded: [UInt8] = []
        for token in header.dropFirst(9).split(whereSeparator: \.isWhitespace) {
            precondition(token.hasPrefix("=?UTF-8?B?") && token.hasSuffix("?=") && token.count <= 75)
            let payload = Data(base64Encoded: String(token.dropFirst(10).dropLast(2)))!
            precondition(String(data: payload, encoding: .utf8) != nil, "a word splits a character")
            decoded += payload
        }
        precondition(decoded == Array(text.utf8), "round trip")
    }
    for parameter in MIMEEncoder.rfc2231Parameter("filename", text) {
        precondition((" " + parameter + ";").utf8.count <= 78 || text.isEmpty)
        precondition(!parameter.contains("\r") && !parameter.contains("\n") && !parameter.contains("\""))
    }
    return 0
}
