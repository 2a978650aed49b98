import Foundation
package import Model
package import Support

extension ContractFolder {
    /// `certificate.json` as the key check and the viewer read it: the typed certificate, the JSON as
    /// stored (for the signature), and the bytes; nil when it is missing or unreadable.
    package func readCertificate() -> (certificate: Certificate, json: JSONValue, bytes: [UInt8])? {
        guard let bytes = try? PosixFS.read(certificate), let json = try? StrictJSONParser.parse(bytes),
            let decoded = try? JSONDecoder().decode(Certificate.self, from: Data(bytes))
        else { return nil }
        return (decoded, json, bytes)
    }

    /// The version `certificate.json` holds now (1 when it cannot be read).
    package var currentVersion: Int { readCertificate()?.certificate.currentVersion ?? 1 }
}
