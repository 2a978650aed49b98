import ArgumentParser
import Glibc
import Support

/// The entry point of the `mailbatch` executable (`Sources/MailBatchCLI` only calls it), so that
/// tests and fuzz targets can link everything else as a library.
public enum MailBatchMain {
    public static func main() async {
        // Once, before any thread starts: a peer that closes a pipe or socket (the sisimai helper, a
        // reader of the output, a client of the viewer) makes a write fail with EPIPE, never ends the
        // process. Children are started with default dispositions (`HelperProcess`).
        signal(SIGPIPE, SIG_IGN)
        await MailBatch.main()
    }
}

/// The `mailbatch` command and its subcommands.
struct MailBatch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mailbatch",
        abstract: "Issue electronic guarantee certificates (電子証書) and deliver their authentication keys (認証キー) by e-mail.",
        version: MailBatchVersion.current,
        subcommands: [
            RunCommand.self, StatusCommand.self, ShowCommand.self, ResendCommand.self, RetryCommand.self, PreviewCommand.self,
            OrderersCommand.self, DoctorCommand.self, VerifyCommand.self, KeygenCommand.self, ReissueKeyCommand.self, RevokeCommand.self,
            BouncesCommand.self, BounceCommand.self, UpgradeCommand.self, BackupCommand.self, ServeCommand.self, ReleaseCommand.self,
            DeskCommand.self, DeskUserCommand.self,
        ])

    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch {
            if let (message, code) = ErrorExit.map(error) {
                FileHandleStderr.write("mailbatch: \(message)\n")
                Glibc.exit(code)
            }
            // Usage errors exit 2 as the README's table of exit codes promises (ArgumentParser's own default is 64).
            if exitCode(for: error) == .validationFailure {
                FileHandleStderr.write(fullMessage(for: error) + "\n")
                Glibc.exit(ExitCodes.usage)
            }
            exit(withError: error)
        }
    }
}
