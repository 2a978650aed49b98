/// Everything `mailbatch` reads from `mailbatch.toml`, resolved and checked.
struct Configuration: Sendable {
    var file: String
    var spool: Spool
    var smtp: SMTPSettings
    var mail: MailSettings
    var delivery: DeliverySettings
    /// A folder of operator templates that replace the shipped ones of the same name.
    var templatesDirectory: String?
    var orderersFile: String?
    /// How many records are issued at once (rendering and writing in parallel).
    var workers = 2
    /// The surety's Ed25519 private key (PEM, owner-only) that signs certificate.json.
    var signingKeyFile: String?
    /// The offices printed on documents and mails.
    var branches: BranchDirectory
    /// `[viewer]`: the orderer's viewer (`mailbatch serve`) and its public address.
    var viewer = ViewerSettings()
    /// The viewer's address, printed on the key notice and in the orderer's mail.
    var viewerURL: String? { viewer.url }
    /// `[bounces]`: the VERP return path and the Maildir of returned mail.
    var bounces: BounceSettings?
    /// `[notify]`: the operator summary after a run that needs a person.
    var notify: NotifySettings?
    /// `[metrics] textfile`: the Prometheus text file written after every run.
    var metricsTextfile: String?
    /// `[amendments] wait_days`: how long a change or cancellation waits for its predecessor.
    var amendmentWaitDays = 14
    /// `[pdf_signing]`: PAdES signatures on the print-out, the statement and the receipt; nil: unsigned.
    var pdfSigning: PDFSigningSettings?
}

extension Configuration {
    /// The signing key, when one is configured.
    func loadSigner() throws(ConfigurationError) -> CertificateSigner? {
        guard let path = signingKeyFile else { return nil }
        do {
            return CertificateSigner(try SigningKeyFile.loadPrivate(path))
        } catch {
            throw ConfigurationError("[signing] private_key_file: \(error.description)")
        }
    }
}

struct MailSettings: Sendable {
    var from: Mailbox
    /// The surety's name as documents and mails sign it.
    var suretyName: String
}

struct DeliverySettings: Sendable {
    var retryInitialSeconds = 300
    var retryMaxSeconds = 7200
    var lifetimeSeconds = 3 * 24 * 3600
    /// Consecutive connection failures after which a run stops trying and defers the rest.
    var maxConnectionFailures = 3
    /// Parallel SMTP connections, each on its own thread with its own libcurl handle.
    var connections = 2
}

struct SMTPSettings: Sendable {
    enum TLSMode: String, Sendable, CaseIterable {
        case none, starttls, tls
    }

    var url: String
    var host: String
    var tls: TLSMode
    var username: String?
    var password: Secret?
    var caFile: String?
    var heloName: String?
    var connectTimeoutSeconds = 10
    var responseTimeoutSeconds = 30

    var isLoopback: Bool {
        host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }
}

/// A password held in memory only; its description never shows it.
struct Secret: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    let value: String
    var description: String { "<secret>" }
    var debugDescription: String { "<secret>" }
}
