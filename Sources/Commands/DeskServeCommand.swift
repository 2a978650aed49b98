import ArgumentParser
import Config
import Desk
import Store
import Support

/// `mailbatch desk [serve]`: the branch desk over this spool.
struct DeskServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the branch desk: the operators' console (sign-in, search, a contract's mail and history, resend, retry, reissue, revoke).",
        discussion: """
            For the company network only, behind a reverse proxy that terminates TLS (docs/desk.md). Accounts: \
            `mailbatch desk-user add NAME --role operator`. Actions take the spool lock as the CLI does. SIGTERM \
            stops it gracefully.
            """)
    @OptionGroup var options: GlobalOptions
    @Option(help: "HOST:PORT to listen on (default: [desk] listen, else 127.0.0.1:8081; port 0: any free port, printed on start).")
    var listen: ListenAddress?

    func run() async throws {
        let configuration = try options.loadConfiguration()
        let spool = configuration.spool
        guard PosixFS.isDirectory(spool.contracts) else {
            throw CommandFailure(
                message: "\(spool.root) holds no issued contracts (no contracts/ folder); check spool in \(configuration.file)", code: ExitCodes.usage)
        }
        try SpoolFormat.check(spool)
        guard let address = listen ?? ListenAddress(configuration.desk.listen) else {
            throw CommandFailure(
                message: "[desk] listen \"\(configuration.desk.listen)\" in \(configuration.file) is not HOST:PORT with an IP address", code: ExitCodes.usage)
        }
        let desk = try Desk(configuration: configuration, logger: options.makeLogger())
        if (try? DeskAccounts(path: configuration.desk.usersPath(spool)).all().isEmpty) ?? true, configuration.desk.trustedUserHeader == nil {
            FileHandleStderr.write(
                "mailbatch desk: no desk accounts yet in \(configuration.desk.usersPath(spool)); add one with `mailbatch desk-user add NAME --role operator`\n")
        }
        try await DeskServer(desk: desk, host: address.host, port: address.port).run()
    }
}
