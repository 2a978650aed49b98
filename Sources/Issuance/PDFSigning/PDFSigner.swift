import CPAdES
package import Config
import Glibc

/// The surety's signing certificate and key, loaded once per run (OpenSSL through `CPAdES`). One owner
/// of the C handle; after loading it is only read, so workers sign with it at the same time.
package final class PDFSigner: @unchecked Sendable {
    package let settings: PDFSigningSettings
    private let handle: OpaquePointer

    package struct Failure: Error, CustomStringConvertible {
        package let description: String

        package init(description: String) {
            self.description = description
        }
    }

    package init(_ settings: PDFSigningSettings) throws(Failure) {
        self.settings = settings
        var info = stat()
        if lstat(settings.privateKeyFile, &info) == 0, info.st_mode & 0o077 != 0 {
            throw Failure(
                description: "[pdf_signing] private_key_file \(settings.privateKeyFile) can be read by other users; chmod 600 \(settings.privateKeyFile)")
        }
        var reason = [CChar](repeating: 0, count: 512)
        guard let loaded = mb_pades_signer_load(settings.certificateFile, settings.privateKeyFile, settings.chainFile, &reason, reason.count)
        else {
            throw Failure(description: "[pdf_signing]: \(Self.text(reason))")
        }
        handle = loaded
    }

    deinit { mb_pades_signer_free(handle) }

    /// Validity at `now`, key usage and chain, for `doctor`.
    package func check(now: Int) -> String? {
        var reason = [CChar](repeating: 0, count: 512)
        return mb_pades_signer_check(handle, Int64(now), &reason, reason.count) == 1 ? nil : Self.text(reason)
    }

    /// The certificate's subject and the end of its validity (seconds since the epoch).
    package var subjectAndExpiry: (subject: String, notAfter: Int) {
        var subject = [CChar](repeating: 0, count: 512)
        var notAfter: Int64 = 0
        _ = mb_pades_signer_describe(handle, &subject, subject.count, &notAfter)
        return (Self.text(subject), Int(notAfter))
    }

    /// A detached CMS signature over `data`, and with `wantsTimestamp` the RFC 3161 request for it.
    package func sign(_ data: [UInt8], wantsTimestamp: Bool) throws(Failure) -> (cms: [UInt8], query: [UInt8]?) {
        var cms: UnsafeMutablePointer<UInt8>?
        var cmsLength = 0
        var query: UnsafeMutablePointer<UInt8>?
        var queryLength = 0
        var reason = [CChar](repeating: 0, count: 512)
        let ok = data.withUnsafeBufferPointer { buffer in
            if wantsTimestamp {
                return mb_pades_sign(handle, buffer.baseAddress, buffer.count, &cms, &cmsLength, &query, &queryLength, &reason, reason.count)
            }
            return mb_pades_sign(handle, buffer.baseAddress, buffer.count, &cms, &cmsLength, nil, nil, &reason, reason.count)
        }
        defer {
            mb_pades_free(cms)
            mb_pades_free(query)
        }
        guard ok == 1, let cms else { throw Failure(description: Self.text(reason)) }
        let signature = Array(UnsafeBufferPointer(start: cms, count: cmsLength))
        return (signature, query.map { Array(UnsafeBufferPointer(start: $0, count: queryLength)) })
    }

    /// `cms` with the TSA's token (checked against `query`) as its signature time-stamp.
    package func addTimestamp(_ cms: [UInt8], query: [UInt8], reply: [UInt8]) throws(Failure) -> [UInt8] {
        var out: UnsafeMutablePointer<UInt8>?
        var outLength = 0
        var reason = [CChar](repeating: 0, count: 512)
        let ok = cms.withUnsafeBufferPointer { c in
            query.withUnsafeBufferPointer { q in
                reply.withUnsafeBufferPointer { r in
                    mb_pades_add_timestamp(
                        c.baseAddress, c.count, q.baseAddress, q.count, r.baseAddress, r.count, settings.tsaCAFile, &out, &outLength, &reason,
                        reason.count)
                }
            }
        }
        defer { mb_pades_free(out) }
        guard ok == 1, let out else { throw Failure(description: Self.text(reason)) }
        return Array(UnsafeBufferPointer(start: out, count: outLength))
    }

    private static func text(_ buffer: [CChar]) -> String { TimestampAuthority.text(buffer) }
}
