package import CCurl

/// The one owner of a libcurl easy handle; `deinit` frees it. Options go through the typed shims
/// in `Sources/CCurl/shim.h` because `curl_easy_setopt` is variadic.
package final class CurlEasy {
    package let handle: UnsafeMutableRawPointer

    package struct Failure: Error, CustomStringConvertible {
        package let code: CURLcode
        package let context: String
        package var description: String { "libcurl: \(context): \(String(cString: curl_easy_strerror(code)))" }

        package init(code: CURLcode, context: String) {
            self.code = code
            self.context = context
        }
    }

    package init() throws(Failure) {
        CurlGlobal.initializeOnce()
        guard let handle = curl_easy_init() else { throw Failure(code: CURLE_FAILED_INIT, context: "curl_easy_init") }
        self.handle = handle
    }

    deinit { curl_easy_cleanup(handle) }

    package func set(_ option: CURLoption, _ value: Int) throws(Failure) {
        let code = mb_curl_setopt_long(handle, option, value)
        guard code == CURLE_OK else { throw Failure(code: code, context: "option \(option.rawValue)") }
    }

    package func set(_ option: CURLoption, _ value: String) throws(Failure) {
        // libcurl copies string options (since 7.17), so the C string need not outlive this call.
        let code = mb_curl_setopt_string(handle, option, value)
        guard code == CURLE_OK else { throw Failure(code: code, context: "option \(option.rawValue)") }
    }

    package func set(_ option: CURLoption, pointer: UnsafeMutableRawPointer?) throws(Failure) {
        let code = mb_curl_setopt_pointer(handle, option, pointer)
        guard code == CURLE_OK else { throw Failure(code: code, context: "option \(option.rawValue)") }
    }

    package func set(_ option: CURLoption, list: OpaquePointer?) throws(Failure) {
        let code = mb_curl_setopt_slist(handle, option, UnsafeMutablePointer(list))
        guard code == CURLE_OK else { throw Failure(code: code, context: "option \(option.rawValue)") }
    }

    package func setReadFunction(_ callback: mb_curl_read_callback) throws(Failure) {
        let code = mb_curl_setopt_read_function(handle, callback)
        guard code == CURLE_OK else { throw Failure(code: code, context: "read function") }
    }

    package func setDebugFunction(_ callback: mb_curl_debug_callback) throws(Failure) {
        let code = mb_curl_setopt_debug_function(handle, callback)
        guard code == CURLE_OK else { throw Failure(code: code, context: "debug function") }
    }

    package func perform() -> CURLcode { curl_easy_perform(handle) }

    package var responseCode: Int {
        var code = 0
        _ = mb_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &code)
        return code
    }
}

/// `curl_global_init` must run once per process, before any other libcurl call.
package enum CurlGlobal {
    private static let initialized: Bool = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK
    }()

    package static func initializeOnce() { _ = initialized }
}

/// An owned `curl_slist` of strings.
package final class CurlStringList {
    package private(set) var list: OpaquePointer?

    package init(_ items: [String]) {
        var head: UnsafeMutablePointer<curl_slist>?
        for item in items { head = curl_slist_append(head, item) }
        list = OpaquePointer(head)
    }

    deinit { curl_slist_free_all(UnsafeMutablePointer(list)) }
}
