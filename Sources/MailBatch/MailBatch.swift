import ArgumentParser
import Glibc

/// The entry point of the `mailbatch` executable (`Sources/MailBatchCLI` only calls it), so that
/// tests and fuzz targets can link everything else as a library.
public enum MailBatchMain {
    public static func main() { MailBatch.main() }
}

/// The `mailbatch` command and its subcommands.
struct MailBatch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mailbatch",
        abstract: "Issue electronic guarantee certificates (電子証書) and deliver their authentication keys (認証キー) by e-mail.",
        subcommands: [
            RunCommand.self, StatusCommand.self, ShowCommand.self, ResendCommand.self, RetryCommand.self, PreviewCommand.self,
            OrderersCommand.self, DoctorCommand.self, VerifyCommand.self, KeygenCommand.self, ReissueKeyCommand.self, RevokeCommand.self,
        ])

    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let failure as CommandFailure {
            FileHandleStderr.write("mailbatch: \(failure.message)\n")
            Glibc.exit(failure.code)
        } catch let failure as ConfigurationError {
            FileHandleStderr.write("mailbatch: configuration error: \(failure.description)\n")
            Glibc.exit(ExitCodes.usage)
        } catch let failure as FileSystemError {
            FileHandleStderr.write("mailbatch: \(failure.description)\n")
            Glibc.exit(ExitCodes.temporary)
        } catch {
            // DESIGN §3: usage errors exit 2 (ArgumentParser's own default is 64).
            let code = exitCode(for: error)
            if code == .validationFailure {
                FileHandleStderr.write(fullMessage(for: error) + "\n")
                Glibc.exit(ExitCodes.usage)
            }
            exit(withError: error)
        }
    }
}

enum FileHandleStderr {
    static func write(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(2, $0.baseAddress, $0.count) }
    }
}
