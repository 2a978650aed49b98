package import MIME
package import Model
package import Store
package import Support

/// Everything `mailbatch` reads from `mailbatch.toml`, resolved and checked.
package struct Configuration: Sendable {
    package var file: String
    package var spool: Spool
    package var smtp: SMTPSettings
    package var mail: MailSettings
    package var delivery: DeliverySettings
    /// A folder of operator templates that replace the shipped ones of the same name.
    package var templatesDirectory: String?
    package var orderersFile: String?
    /// How many records are issued at once (rendering and writing in parallel).
    package var workers = 2
    /// The surety's Ed25519 private key (PEM, owner-only) that signs certificate.json.
    package var signingKeyFile: String?
    /// The offices printed on documents and mails.
    package var branches: BranchDirectory
    /// `[viewer]`: the orderer's viewer (`mailbatch serve`) and its public address.
    package var viewer = ViewerSettings()
    /// The viewer's address, printed on the key notice and in the orderer's mail.
    package var viewerURL: String? { viewer.url }
    /// `[bounces]`: the VERP return path and the Maildir of returned mail.
    package var bounces: BounceSettings?
    /// `[notify]`: the operator summary after a run that needs a person.
    package var notify: NotifySettings?
    /// `[metrics] textfile`: the Prometheus text file written after every run.
    package var metricsTextfile: String?
    /// `[amendments] wait_days`: how long a change or cancellation waits for its predecessor.
    package var amendmentWaitDays = 14
    /// `[pdf_signing]`: PAdES signatures on the print-out, the statement and the receipt; nil: unsigned.
    package var pdfSigning: PDFSigningSettings?
    /// `[desk]`: the branch desk (`mailbatch desk`).
    package var desk = DeskSettings()

    package init(
        file: String, spool: Spool, smtp: SMTPSettings, mail: MailSettings, delivery: DeliverySettings, templatesDirectory: String? = nil,
        orderersFile: String? = nil, workers: Int = 2, signingKeyFile: String? = nil, branches: BranchDirectory, viewer: ViewerSettings = ViewerSettings(),
        bounces: BounceSettings? = nil, notify: NotifySettings? = nil, metricsTextfile: String? = nil, amendmentWaitDays: Int = 14,
        pdfSigning: PDFSigningSettings? = nil
    ) {
        self.file = file
        self.spool = spool
        self.smtp = smtp
        self.mail = mail
        self.delivery = delivery
        self.templatesDirectory = templatesDirectory
        self.orderersFile = orderersFile
        self.workers = workers
        self.signingKeyFile = signingKeyFile
        self.branches = branches
        self.viewer = viewer
        self.bounces = bounces
        self.notify = notify
        self.metricsTextfile = metricsTextfile
        self.amendmentWaitDays = amendmentWaitDays
        self.pdfSigning = pdfSigning
    }
}

extension Configuration {
    /// The signing key, when one is configured.
    package func loadSigner() throws(ConfigurationError) -> CertificateSigner? {
        guard let path = signingKeyFile else { return nil }
        do {
            return CertificateSigner(try SigningKeyFile.loadPrivate(path))
        } catch {
            throw ConfigurationError("[signing] private_key_file: \(error.description)")
        }
    }
}

package struct MailSettings: Sendable {
    package var from: Mailbox
    /// The surety's name as documents and mails sign it.
    package var suretyName: String

    package init(from: Mailbox, suretyName: String) {
        self.from = from
        self.suretyName = suretyName
    }
}

package struct DeliverySettings: Sendable {
    package var retryInitialSeconds = 300
    package var retryMaxSeconds = 7200
    package var lifetimeSeconds = 3 * 24 * 3600
    /// Consecutive connection failures after which a run stops trying and defers the rest.
    package var maxConnectionFailures = 3
    /// Parallel SMTP connections, each on its own thread with its own libcurl handle.
    package var connections = 2

    package init(
        retryInitialSeconds: Int = 300, retryMaxSeconds: Int = 7200, lifetimeSeconds: Int = 3 * 24 * 3600, maxConnectionFailures: Int = 3, connections: Int = 2
    ) {
        self.retryInitialSeconds = retryInitialSeconds
        self.retryMaxSeconds = retryMaxSeconds
        self.lifetimeSeconds = lifetimeSeconds
        self.maxConnectionFailures = maxConnectionFailures
        self.connections = connections
    }
}

package struct SMTPSettings: Sendable {
    package enum TLSMode: String, Sendable, CaseIterable {
        case none, starttls, tls
    }

    package var url: String
    package var host: String
    package var tls: TLSMode
    package var username: String?
    package var password: Secret?
    package var caFile: String?
    package var heloName: String?
    package var connectTimeoutSeconds = 10
    package var responseTimeoutSeconds = 30

    package var isLoopback: Bool {
        host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }

    package init(
        url: String, host: String, tls: TLSMode, username: String? = nil, password: Secret? = nil, caFile: String? = nil, heloName: String? = nil,
        connectTimeoutSeconds: Int = 10, responseTimeoutSeconds: Int = 30
    ) {
        self.url = url
        self.host = host
        self.tls = tls
        self.username = username
        self.password = password
        self.caFile = caFile
        self.heloName = heloName
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.responseTimeoutSeconds = responseTimeoutSeconds
    }
}

/// A password held in memory only; its description never shows it.
package struct Secret: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    package let value: String
    package var description: String { "<secret>" }
    package var debugDescription: String { "<secret>" }

    package init(value: String) {
        self.value = value
    }
}
