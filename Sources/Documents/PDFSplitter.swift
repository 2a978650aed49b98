import CQPDF

/// Cuts one PDF into several by page ranges, through libqpdf. A page moves with every object it
/// uses (content stream, fonts, font subsets) copied byte for byte: nothing is decoded, recompressed
/// or re-subset, so each part draws and extracts exactly as the whole did. Each part gets its own
/// document information (title, subject, author, creator, creation date).
///
/// Why: cairo subsets and deflates every font once per surface, and that is most of what a
/// document costs. A contract's documents are drawn as pages of one surface (one subset of each
/// font) and then cut apart here.
package enum PDFSplitter {
    /// The document information of one part: the PDF's /Info dictionary.
    package struct Info: Sendable {
        package var title: String
        package var author: String
        package var subject: String?
        /// ISO 8601 with an offset, e.g. 2025-10-20T10:00:00+09:00; written as a PDF date.
        package var createdISO8601: String

        package init(title: String, author: String, subject: String? = nil, createdISO8601: String) {
            self.title = title
            self.author = author
            self.subject = subject
            self.createdISO8601 = createdISO8601
        }
    }

    package struct Part: Sendable {
        package let pages: Range<Int>
        package let info: Info

        package init(pages: Range<Int>, info: Info) {
            self.pages = pages
            self.info = info
        }
    }

    package struct Failure: Error, CustomStringConvertible {
        package let description: String

        package init(description: String) {
            self.description = description
        }
    }

    package static func split(_ pdf: [UInt8], into parts: [Part]) throws(Failure) -> [[UInt8]] {
        var source: qpdf_data? = qpdf_init()
        defer { qpdf_cleanup(&source) }
        qpdf_silence_errors(source)
        qpdf_set_suppress_warnings(source, QPDF_TRUE)
        let result: Result<[[UInt8]], Failure> = pdf.withUnsafeBufferPointer { buffer in
            let status = buffer.withMemoryRebound(to: CChar.self) {
                qpdf_read_memory(source, "contract.pdf", $0.baseAddress, UInt64($0.count), nil)
            }
            if status & QPDF_ERRORS != 0 { return .failure(error(source, "read the drawn PDF")) }
            // cairo's output reads without a warning; one means the file was damaged and repaired.
            if qpdf_more_warnings(source) != QPDF_FALSE {
                let warning = qpdf_get_error_full_text(source, qpdf_next_warning(source)).map { String(cString: $0) } ?? ""
                return .failure(Failure(description: "PDF split: the drawn PDF is damaged: \(warning)"))
            }
            let producer = qpdf_get_info_key(source, "/Producer").map { String(cString: $0) }
            let pageCount = Int(qpdf_get_num_pages(source))
            var out: [[UInt8]] = []
            for part in parts {
                guard part.pages.lowerBound >= 0, part.pages.upperBound <= pageCount, !part.pages.isEmpty else {
                    return .failure(Failure(description: "PDF split: pages \(part.pages) of \(pageCount)"))
                }
                switch write(part, from: source, producer: producer) {
                case .success(let bytes): out.append(bytes)
                case .failure(let failure): return .failure(failure)
                }
            }
            return .success(out)
        }
        return try result.get()
    }

    private static func write(_ part: Part, from source: qpdf_data?, producer: String?) -> Result<[UInt8], Failure> {
        var target: qpdf_data? = qpdf_init()
        defer { qpdf_cleanup(&target) }
        qpdf_silence_errors(target)
        qpdf_set_suppress_warnings(target, QPDF_TRUE)
        if qpdf_empty_pdf(target) & QPDF_ERRORS != 0 { return .failure(error(target, "start a document")) }
        for index in part.pages {
            let page = qpdf_get_page_n(source, index)
            if qpdf_add_page(target, source, page, QPDF_FALSE) & QPDF_ERRORS != 0 {
                return .failure(error(target, "copy page \(index + 1)"))
            }
        }
        let info = qpdf_make_indirect_object(target, qpdf_oh_new_dictionary(target))
        func set(_ key: String, _ value: String?) {
            guard let value else { return }
            qpdf_oh_replace_key(target, info, key, qpdf_oh_new_unicode_string(target, value))
        }
        set("/Title", part.info.title)
        set("/Author", part.info.author)
        set("/Subject", part.info.subject)
        set("/Creator", "mailbatch")
        set("/Producer", producer)
        set("/CreationDate", pdfDate(part.info.createdISO8601))
        qpdf_oh_replace_key(target, qpdf_get_trailer(target), "/Info", info)
        if qpdf_has_error(target) != QPDF_FALSE { return .failure(error(target, "write the document information")) }
        if qpdf_init_write_memory(target) & QPDF_ERRORS != 0 { return .failure(error(target, "start writing")) }
        // As drawn: streams keep their compression, no object streams are added, the version is
        // the drawn file's, and the /ID comes from the content (the same document, the same bytes).
        qpdf_set_stream_data_mode(target, qpdf_s_preserve)
        qpdf_set_object_stream_mode(target, qpdf_o_disable)
        qpdf_set_minimum_pdf_version(target, "1.5")
        qpdf_set_deterministic_ID(target, QPDF_TRUE)
        if qpdf_write(target) & QPDF_ERRORS != 0 { return .failure(error(target, "write a document")) }
        if qpdf_more_warnings(target) != QPDF_FALSE {
            let warning = qpdf_get_error_full_text(target, qpdf_next_warning(target)).map { String(cString: $0) } ?? ""
            return .failure(Failure(description: "PDF split: writing a document gave a warning: \(warning)"))
        }
        guard let bytes = qpdf_get_buffer(target) else { return .failure(Failure(description: "PDF split: nothing written")) }
        return .success(Array(UnsafeBufferPointer(start: bytes, count: qpdf_get_buffer_length(target))))
    }

    /// `2025-10-20T10:00:00+09:00` → `D:20251020100000+09'00'` (ISO 32000-1, 7.9.4).
    package static func pdfDate(_ iso: String) -> String? {
        let digits = iso.prefix(19).filter(\.isNumber)
        guard digits.count == 14 else { return nil }
        let zone = iso.dropFirst(19)
        if zone == "Z" { return "D:\(digits)Z" }
        guard zone.count == 6, let sign = zone.first, sign == "+" || sign == "-" else { return "D:\(digits)" }
        let parts = zone.dropFirst().split(separator: ":")
        guard parts.count == 2 else { return "D:\(digits)" }
        return "D:\(digits)\(sign)\(parts[0])'\(parts[1])'"
    }

    private static func error(_ qpdf: qpdf_data?, _ doing: String) -> Failure {
        guard qpdf_has_error(qpdf) != QPDF_FALSE, let text = qpdf_get_error_full_text(qpdf, qpdf_get_error(qpdf)) else {
            return Failure(description: "PDF split: could not \(doing)")
        }
        return Failure(description: "PDF split: could not \(doing): \(String(cString: text))")
    }
}
