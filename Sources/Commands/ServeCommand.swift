import ArgumentParser
import Config
import Model
import Operations
import Store
import Support
import Viewer

/// `mailbatch serve`: the orderer's viewer over this spool.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the orderer's viewer: look a 電子証書 up by contract number and 認証キー, print it, check downloaded data.",
        discussion: """
            Reads the spool; writes only the attempt log and lockout state under verify/. Put it behind a \
            reverse proxy that terminates TLS (docs/viewer.md), or give it --tls-cert and --tls-key. \
            SIGTERM stops it gracefully.
            """)
    @OptionGroup var options: GlobalOptions
    @Option(help: "HOST:PORT to listen on (port 0: any free port, printed on start).") var listen: ListenAddress = ListenAddress("127.0.0.1:8080")!
    @Option(name: .customLong("tls-cert"), help: "A PEM certificate chain: serve HTTPS directly.") var tlsCert: String?
    @Option(name: .customLong("tls-key"), help: "The PEM private key of --tls-cert.") var tlsKey: String?

    func validate() throws {
        guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together") }
    }

    func run() async throws {
        let configuration = try options.loadConfiguration()
        let spool = configuration.spool
        guard PosixFS.isDirectory(spool.contracts) else {
            throw CommandFailure(
                message: "\(spool.root) holds no issued contracts (no contracts/ folder); check spool in \(configuration.file)", code: ExitCodes.usage)
        }
        try SpoolFormat.check(spool)
        try PosixFS.makeDirectory(spool.verify)
        var viewer = try Viewer(
            configuration: configuration, logger: options.makeLogger(), receiptMailer: try ReceiptMailer(configuration: configuration))
        viewer.servedWithTLS = tlsCert != nil
        let tls = tlsCert.flatMap { cert in tlsKey.map { (certificate: cert, key: $0) } }
        try await ViewerServer(viewer: viewer, host: listen.host, port: listen.port, tls: tls).run()
    }
}

/// `HOST:PORT`, `[::1]:PORT`.
struct ListenAddress: ExpressibleByArgument, Sendable {
    let host: String
    let port: Int

    init?(argument: String) { self.init(argument) }

    init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, ClientAddress.isIPAddress(host) || host == "localhost" else { return nil }
        self.host = host
        self.port = port
    }

    var defaultValueDescription: String { "\(host):\(port)" }
}
