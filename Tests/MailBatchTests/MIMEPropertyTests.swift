import Foundation
import PropertyBased
import Testing

@testable import MIME
@testable import Support

/// Runs Python's email package as a helper process to decode headers the way mail clients' parsers do.
final class PythonHeaderDecoder: @unchecked Sendable {
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private var buffer = Data()
    private let lock = NSLock()

    init() throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/decode_header.py")
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path]
        process.standardInput = input
        process.standardOutput = output
        try process.run()
    }

    deinit {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    func decode(_ header: [UInt8]) -> String {
        lock.lock()
        defer { lock.unlock() }
        input.fileHandleForWriting.write(Data((Data(header).base64EncodedString() + "\n").utf8))
        while !buffer.contains(0x0A) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { return "<python helper ended>" }
            buffer.append(chunk)
        }
        let newline = buffer.firstIndex(of: 0x0A)!
        let line = buffer[buffer.startIndex..<newline]
        buffer.removeSubrange(buffer.startIndex...newline)
        return String(decoding: Data(base64Encoded: Data(line)) ?? Data(), as: UTF8.self)
    }
}

@Suite("MIME encoder properties")
struct MIMEPropertyTests {
    /// Characters from where trouble lives: controls and ASCII specials, CJK and its rare extensions,
    /// combining marks, emoji (with ZWJ), and a few encoded-word look-alikes.
    static let text = Gen.int(in: 0...1_000_000).array(of: 0...90).map { (numbers: [Int]) -> String in
        var out = String.UnicodeScalarView()
        for n in numbers {
            let ranges: [ClosedRange<UInt32>] = [
                0x00...0x7F, 0x20...0x7E, 0x3000...0x30FF, 0x4E00...0x9FFF, 0x20000...0x2A6DF, 0x0300...0x036F, 0x1F300...0x1FAFF,
                0x200D...0x200D, 0xFF01...0xFF5E, 0x3D...0x3F,
            ]
            let range = ranges[n % ranges.count]
            let value = range.lowerBound + UInt32(n / ranges.count) % (range.upperBound - range.lowerBound + 1)
            if let scalar = Unicode.Scalar(value) { out.append(scalar) }
        }
        if numbers.count % 7 == 3 { out.append(contentsOf: "=?UTF-8?B?AAAA?=".unicodeScalars) }
        return String(out)
    }

    @Test("any text: Python's email package decodes the Subject back to it; no line over 78; no bare CR or LF")
    func roundTrip() async throws {
        let python = try PythonHeaderDecoder()
        await propertyCheck(count: 400, input: Self.text) { text in
            let header = Array(MIMEEncoder.unstructuredHeader("Subject", text).utf8)
            var previous: UInt8 = 0
            var column = 0
            for byte in header {
                if byte == 0x0A { #expect(previous == 0x0D, "bare LF") }
                if previous == 0x0D { #expect(byte == 0x0A, "bare CR") }
                column = byte == 0x0A ? 0 : column + 1
                #expect(column <= 79, "line over 78 characters")
                previous = byte
            }
            let decoded = python.decode(Array(header.dropLast(2)))
            // Python's email package drops the white space that leads a raw (unencoded) ASCII value, and
            // keeps the trailing one.
            if MIMEEncoder.isPlainASCII(text), text.utf8.count + 9 <= 78 {
                #expect(decoded == String(text.drop(while: { $0 == " " || $0 == "\t" })))
            } else {
                #expect(decoded == text)
            }
        }
    }

    @Test("any display name survives the To header: Python's email package reads back the address and the name")
    func addressHeader() async throws {
        let python = try PythonHeaderDecoder()
        await propertyCheck(count: 300, input: Self.text) { name in
            let header = MIMEEncoder.addressHeader("To", [Mailbox(displayName: name, address: "a@example.jp")])
            #expect(header.hasSuffix(" <a@example.jp>\r\n") || header.hasSuffix("a@example.jp\r\n"))
            #expect(!header.dropLast(2).contains("\r\n") || header.components(separatedBy: "\r\n").dropFirst().dropLast().allSatisfy { $0.hasPrefix(" ") })
            #expect(header.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 78 })
            let decoded = python.decode(Array(header.utf8.dropLast(2)))
            #expect(decoded.hasSuffix("<a@example.jp>") || decoded == "a@example.jp", "Python lost the address: \(decoded.debugDescription)")
            // Encoded names come back whole. Python's policy.default may put a space between adjacent
            // encoded-words (a CPython bug) and quotes a name holding specials when it prints it, so
            // white space, quotes and backslashes are left out of the comparison.
            if !MIMEEncoder.isPlainASCII(MIMEEncoder.displayNameText(name)) {
                let squeezed = { (text: String) in
                    String(text.unicodeScalars.filter { !$0.properties.isWhitespace && $0 != "\"" && $0 != "\\" }.map(Character.init))
                }
                #expect(
                    squeezed(decoded).hasPrefix(squeezed(MIMEEncoder.displayNameText(name))),
                    "\(name.unicodeScalars.map { String($0.value, radix: 16) }) came back as \(decoded.unicodeScalars.map { String($0.value, radix: 16) })")
            }
        }
    }
}
