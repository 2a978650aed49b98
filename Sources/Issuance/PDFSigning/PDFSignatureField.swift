import CPAdES
import CQPDF

/// Adds an invisible signature field to a finished PDF (through libqpdf) whose /Contents is a
/// placeholder of zeros and whose /ByteRange is filled in once the file is written: the byte ranges
/// then cover the whole file but the placeholder, as ISO 32000-1 12.8.1 asks.
package enum PDFSignatureField {
    /// Room for the DER signature: an ECDSA one with its chain and a timestamp is about 3 KB; RSA-4096
    /// chains of three and a TSA's own chain still fit.
    package static let reservedBytes = 12_288
    private static let rangePlaceholder = "[0 9999999999 9999999999 9999999999]"

    package struct Prepared {
        package var bytes: [UInt8]
        /// The offsets of `<` and of the byte after `>` of the /Contents placeholder.
        package let contents: Range<Int>

        /// The signed bytes: everything but the placeholder.
        package var signedBytes: [UInt8] { Array(bytes[..<contents.lowerBound]) + Array(bytes[contents.upperBound...]) }

        /// The finished file: `signature` (DER) as hex in the placeholder.
        package func filled(with signature: [UInt8]) throws(PDFSignatureField.Failure) -> [UInt8] {
            guard signature.count <= PDFSignatureField.reservedBytes else {
                throw Failure(description: "the signature needs \(signature.count) bytes; \(PDFSignatureField.reservedBytes) are reserved")
            }
            var out = bytes
            let hex = Array("0123456789ABCDEF".utf8)
            var at = contents.lowerBound + 1
            for byte in signature {
                out[at] = hex[Int(byte >> 4)]
                out[at + 1] = hex[Int(byte & 0x0f)]
                at += 2
            }
            return out
        }

        package init(bytes: [UInt8], contents: Range<Int>) {
            self.bytes = bytes
            self.contents = contents
        }
    }

    package struct Failure: Error, CustomStringConvertible {
        package let description: String

        package init(description: String) {
            self.description = description
        }
    }

    /// `pdf` with the field on its first page, signed at `signedAtPDFDate` (the /M entry).
    package static func prepare(_ pdf: [UInt8], name: String, signedAtPDFDate: String) throws(Failure) -> Prepared {
        var q: qpdf_data? = qpdf_init()
        defer { qpdf_cleanup(&q) }
        qpdf_silence_errors(q)
        qpdf_set_suppress_warnings(q, QPDF_TRUE)
        let read = pdf.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { qpdf_read_memory(q, "document.pdf", $0.baseAddress, UInt64($0.count), nil) }
        }
        if read & QPDF_ERRORS != 0 { throw failure(q, "read the document") }
        let zeros = String(repeating: "0", count: 2 * reservedBytes)
        let signature = qpdf_make_indirect_object(
            q,
            qpdf_oh_parse(
                q,
                "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /ByteRange \(rangePlaceholder) /Contents <\(zeros)> /M (\(signedAtPDFDate)) >>"
            ))
        let page = qpdf_get_page_n(q, 0)
        let field = qpdf_make_indirect_object(
            q, qpdf_oh_parse(q, "<< /FT /Sig /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /F 132 >>"))
        qpdf_oh_replace_key(q, field, "/T", qpdf_oh_new_unicode_string(q, name))
        qpdf_oh_replace_key(q, field, "/V", signature)
        qpdf_oh_replace_key(q, field, "/P", page)
        if qpdf_oh_has_key(q, page, "/Annots") != QPDF_FALSE, qpdf_oh_is_array(q, qpdf_oh_get_key(q, page, "/Annots")) != QPDF_FALSE {
            qpdf_oh_append_item(q, qpdf_oh_get_key(q, page, "/Annots"), field)
        } else {
            let annotations = qpdf_oh_new_array(q)
            qpdf_oh_append_item(q, annotations, field)
            qpdf_oh_replace_key(q, page, "/Annots", annotations)
        }
        let form = qpdf_oh_parse(q, "<< /SigFlags 3 >>")
        let fields = qpdf_oh_new_array(q)
        qpdf_oh_append_item(q, fields, field)
        qpdf_oh_replace_key(q, form, "/Fields", fields)
        qpdf_oh_replace_key(q, qpdf_get_root(q), "/AcroForm", form)
        if qpdf_has_error(q) != QPDF_FALSE { throw failure(q, "add the signature field") }
        if qpdf_init_write_memory(q) & QPDF_ERRORS != 0 { throw failure(q, "start writing") }
        // Streams untouched (as cairo drew them), no object streams (the signature dictionary stays readable text).
        qpdf_set_stream_data_mode(q, qpdf_s_preserve)
        qpdf_set_object_stream_mode(q, qpdf_o_disable)
        qpdf_set_deterministic_ID(q, QPDF_TRUE)
        if qpdf_write(q) & QPDF_ERRORS != 0 { throw failure(q, "write the document") }
        guard let buffer = qpdf_get_buffer(q) else { throw Failure(description: "PDF signing: nothing written") }
        var bytes = Array(UnsafeBufferPointer(start: buffer, count: qpdf_get_buffer_length(q)))
        guard let start = find(Array("/Contents <\(zeros)>".utf8), in: bytes) else {
            throw Failure(description: "PDF signing: the signature placeholder is not in the written file")
        }
        let contents = (start + 10)..<(start + 10 + 2 * reservedBytes + 2)
        guard let range = find(Array(rangePlaceholder.utf8), in: bytes) ?? findSpaced(in: bytes) else {
            throw Failure(description: "PDF signing: the byte range placeholder is not in the written file")
        }
        let ranges = "[0 \(contents.lowerBound) \(contents.upperBound) \(bytes.count - contents.upperBound)]"
        let width = bytes[range...].firstIndex(of: UInt8(ascii: "]"))! - range + 1
        guard ranges.utf8.count <= width else { throw Failure(description: "PDF signing: the file is too large for the byte range") }
        bytes.replaceSubrange(range..<(range + width), with: Array((ranges + String(repeating: " ", count: width - ranges.utf8.count)).utf8))
        return Prepared(bytes: bytes, contents: contents)
    }

    /// qpdf writes arrays with spaces inside the brackets.
    private static func findSpaced(in bytes: [UInt8]) -> Int? {
        find(Array("[ 0 9999999999 9999999999 9999999999 ]".utf8), in: bytes)
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        let at = haystack.withUnsafeBufferPointer { h in
            needle.withUnsafeBufferPointer { n in mb_pades_find(h.baseAddress, h.count, n.baseAddress, n.count) }
        }
        return at < 0 ? nil : at
    }

    private static func failure(_ q: qpdf_data?, _ doing: String) -> Failure {
        guard qpdf_has_error(q) != QPDF_FALSE, let text = qpdf_get_error_full_text(q, qpdf_get_error(q)) else {
            return Failure(description: "PDF signing: could not \(doing)")
        }
        return Failure(description: "PDF signing: could not \(doing): \(String(cString: text))")
    }
}
