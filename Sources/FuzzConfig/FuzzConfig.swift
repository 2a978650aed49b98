// libFuzzer target for mailbatch.toml: any bytes must give a configuration or a configuration error
// that names the file, never a crash, a hang or a read past the input. Built only by scripts/fuzz.
import CFuzzMain

@testable import Config
@testable import Support

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfig(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let table: TOMLTable
    do {
        table = try TOMLReader.parse(bytes)
    } catch {
        precondition(error.line >= 1 && error.column >= 1 && !error.message.isEmpty)
        return 0
    }
    do {
        _ = try ConfigurationLoader.parse(TOMLSection(table, name: "", file: "fuzz.toml"), baseDirectory: "/nonexistent", file: "fuzz.toml")
    } catch {
        precondition(error.description.contains("fuzz.toml") || error.description.contains("/nonexistent"))
    }
    return 0
}
