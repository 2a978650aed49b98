package import Support

/// `[pdf_signing]`: the surety's X.509 certificate and key that sign the print-out, the statement and
/// the receipt (PAdES), and the time-stamp authority that dates those signatures.
package struct PDFSigningSettings: Sendable {
    package var certificateFile: String
    package var privateKeyFile: String
    /// The issuing CA's certificates (PEM), embedded in every signature.
    package var chainFile: String?
    /// The company's RFC 3161 time-stamp authority: with it the signatures are PAdES B-T, without it B-B.
    package var tsaURL: String?
    /// The CA that the TSA's answers must verify against; without it only the answer's match is checked.
    package var tsaCAFile: String?
    package var tsaTimeoutSeconds = 10

    package init(
        certificateFile: String, privateKeyFile: String, chainFile: String? = nil, tsaURL: String? = nil, tsaCAFile: String? = nil, tsaTimeoutSeconds: Int = 10
    ) {
        self.certificateFile = certificateFile
        self.privateKeyFile = privateKeyFile
        self.chainFile = chainFile
        self.tsaURL = tsaURL
        self.tsaCAFile = tsaCAFile
        self.tsaTimeoutSeconds = tsaTimeoutSeconds
    }
}

extension ConfigurationLoader {
    package static func pdfSigningSettings(_ top: TOMLSection, baseDirectory: String, file: String) throws(ConfigurationError) -> PDFSigningSettings? {
        guard let section = try top.section("pdf_signing") else { return nil }
        func path(_ key: String) throws(ConfigurationError) -> String? {
            try section.string(key).map { absolutePath($0, relativeTo: baseDirectory) }
        }
        guard let certificate = try path("certificate_file"), let key = try path("private_key_file") else {
            throw ConfigurationError(
                "\(file): [pdf_signing] needs certificate_file and private_key_file (PEM files of the surety's signing certificate and its key)")
        }
        var settings = PDFSigningSettings(certificateFile: certificate, privateKeyFile: key)
        settings.chainFile = try path("chain_file")
        settings.tsaURL = try section.string("tsa_url")
        if let url = settings.tsaURL, !(url.hasPrefix("https://") || url.hasPrefix("http://")) || url.contains(where: \.isWhitespace) {
            throw ConfigurationError("\(file): [pdf_signing] tsa_url \"\(url)\" must be an http or https address of an RFC 3161 time-stamp authority")
        }
        settings.tsaCAFile = try path("tsa_ca_file")
        settings.tsaTimeoutSeconds = try section.int("tsa_timeout_seconds", in: 1...300) ?? settings.tsaTimeoutSeconds
        try section.rejectUnknownKeys()
        return settings
    }
}
