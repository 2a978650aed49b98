import Issuance
import Model
import Support

extension Doctor {
    /// `[pdf_signing]`: the certificate (validity, key usage, chain) and that the time-stamp authority answers.
    package func pdfSigning() -> [Check] {
        guard let settings = configuration.pdfSigning else { return [] }
        let signer: PDFSigner
        do {
            signer = try PDFSigner(settings)
        } catch {
            return [
                Check(
                    name: "pdf signing", ok: false, detail: error.description,
                    fix: "set [pdf_signing] certificate_file, private_key_file and chain_file to the surety's PEM files")
            ]
        }
        var checks: [Check] = []
        let (subject, notAfter) = signer.subjectAndExpiry
        if let problem = signer.check(now: WallClock.epochSeconds()) {
            checks.append(Check(name: "pdf signing", ok: false, detail: "\(subject): \(problem)", fix: "install a valid signing certificate and its CA chain"))
        } else {
            checks.append(
                Check(
                    name: "pdf signing", ok: true, detail: "\(subject), valid until \(JST.iso8601(epochSeconds: notAfter)); the chain verifies",
                    fix: nil))
        }
        if let url = settings.tsaURL {
            let authority = TimestampAuthority(url: url, timeoutSeconds: settings.tsaTimeoutSeconds, caFile: settings.tsaCAFile)
            if let problem = authority.probe() {
                checks.append(
                    Check(
                        name: "timestamp", ok: false, detail: problem,
                        fix: "check [pdf_signing] tsa_url and the TSA; until it answers, runs hold the contracts that need signed documents"))
            } else {
                let verified = settings.tsaCAFile == nil ? "(set tsa_ca_file to verify its signature too)" : "and its token verifies against tsa_ca_file"
                checks.append(Check(name: "timestamp", ok: true, detail: "\(url) answers \(verified)", fix: nil))
            }
        }
        return checks
    }
}
