package import Config
import Documents
package import Model
package import Support

/// Signs a contract's print-out, premium statement and receipt as PAdES (B-B, or B-T with a
/// time-stamp authority): each document gets a signature field, its bytes are signed, the TSA dates
/// every signature of the contract in one concurrent round, and the signatures fill the placeholders.
package struct DocumentSigning: Sendable {
    package let signer: PDFSigner
    package let authority: TimestampAuthority?

    /// The documents that carry the surety's signature (the key notice is a letter, not a record).
    package static let signedKinds: Set<DocumentKind> = [.certificate, .premiumStatement, .receipt]

    package enum Failure: Error, CustomStringConvertible {
        /// The signature could not be made: the key, the certificate or the file is at fault.
        case signing(String)
        /// The TSA did not answer (or answered wrongly): nothing is issued now, the next run tries again.
        case timestampUnavailable(String)

        package var description: String {
            switch self {
            case .signing(let reason): "the PDF signature could not be made: \(reason)"
            case .timestampUnavailable(let reason): reason
            }
        }
    }

    package init(signer: PDFSigner) {
        self.signer = signer
        authority = signer.settings.tsaURL.map {
            TimestampAuthority(url: $0, timeoutSeconds: signer.settings.tsaTimeoutSeconds, caFile: signer.settings.tsaCAFile)
        }
    }

    /// The line each signed document prints at the top of its first page.
    package static func notice(surety: String, timestamped: Bool) -> String {
        timestamped ? "この書類には\(surety)の電子署名とタイムスタンプが付与されています" : "この書類には\(surety)の電子署名が付与されています"
    }

    /// The characters of the notice besides the surety's name, for the font subsets.
    package static let ownText = notice(surety: "", timestamped: true)

    package var notice: (String) -> String { { surety in Self.notice(surety: surety, timestamped: authority != nil) } }

    package func sign(_ documents: [(kind: DocumentKind, bytes: [UInt8])], epochSeconds: Int) throws(Failure) -> [(kind: DocumentKind, bytes: [UInt8])] {
        let signedAt = PDFInfo.pdfDate(JST.iso8601(epochSeconds: epochSeconds)) ?? "D:19700101000000Z"
        var prepared: [(index: Int, field: PDFSignatureField.Prepared, cms: [UInt8], query: [UInt8]?)] = []
        do {
            for (index, document) in documents.enumerated() where Self.signedKinds.contains(document.kind) {
                let field = try PDFSignatureField.prepare(document.bytes, name: "Signature1", signedAtPDFDate: signedAt)
                let (cms, query) = try signer.sign(field.signedBytes, wantsTimestamp: authority != nil)
                prepared.append((index, field, cms, query))
            }
        } catch let error as PDFSignatureField.Failure {
            throw .signing(error.description)
        } catch let error as PDFSigner.Failure {
            throw .signing(error.description)
        } catch {
            throw .signing("\(error)")
        }
        if let authority {
            let replies: [[UInt8]]
            do {
                replies = try authority.post(prepared.map { $0.query ?? [] })
            } catch {
                throw .timestampUnavailable(error.description)
            }
            for i in prepared.indices {
                do {
                    prepared[i].cms = try signer.addTimestamp(prepared[i].cms, query: prepared[i].query ?? [], reply: replies[i])
                } catch {
                    throw .timestampUnavailable("the time-stamp authority \(authority.url) answered, but \(error.description)")
                }
            }
        }
        var out = documents
        for item in prepared {
            do {
                out[item.index].bytes = try item.field.filled(with: item.cms)
            } catch {
                throw .signing(error.description)
            }
        }
        return out
    }
}

extension Configuration {
    /// The PDF signer of `[pdf_signing]`, when it is configured.
    package func loadPDFSigning() throws(ConfigurationError) -> DocumentSigning? {
        guard let settings = pdfSigning else { return nil }
        do {
            return DocumentSigning(signer: try PDFSigner(settings))
        } catch {
            throw ConfigurationError(error.description)
        }
    }
}
