/// Numbers, booleans' neighbours and dates as TOML 1.0 writes them: `42`, `1_000`, `0x1F`, `-3.5e2`,
/// `inf`, `2025-06-01`, `07:30:00`, `2025-06-01T07:30:00+09:00`. Anything else is nil.
package enum TOMLScalars {
    package static func number(_ token: String) -> TOMLValue? {
        let u = Array(token.utf8)
        guard !u.isEmpty else { return nil }
        if u.count > 2, u[0] == UInt8(ascii: "0"), let radix = [UInt8(ascii: "x"): 16, UInt8(ascii: "o"): 8, UInt8(ascii: "b"): 2][u[1]] {
            guard let value = integer(Array(u[2...]), radix: radix, allowLeadingZeros: true) else { return nil }
            return .integer(value)
        }
        var body = u[...]
        var negative = false
        if let sign = body.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            negative = sign == UInt8(ascii: "-")
            body = body.dropFirst()
        }
        if body.elementsEqual("inf".utf8) { return .float(negative ? -.infinity : .infinity) }
        if body.elementsEqual("nan".utf8) { return .float(.nan) }
        let isFloat = body.contains(UInt8(ascii: ".")) || body.contains(UInt8(ascii: "e")) || body.contains(UInt8(ascii: "E"))
        if !isFloat {
            guard let magnitude = integer(Array(body), radix: 10, allowLeadingZeros: false) else {
                // -9223372036854775808 does not fit as a positive magnitude.
                if negative, String(decoding: body, as: UTF8.self) == "9223372036854775808" { return .integer(.min) }
                return nil
            }
            return .integer(negative ? -magnitude : magnitude)
        }
        return float(Array(body), negative: negative)
    }

    /// Digits of one radix with single underscores between them.
    private static func integer(_ digits: [UInt8], radix: Int, allowLeadingZeros: Bool) -> Int64? {
        guard !digits.isEmpty, digits.first != UInt8(ascii: "_"), digits.last != UInt8(ascii: "_") else { return nil }
        if !allowLeadingZeros, digits.count > 1, digits[0] == UInt8(ascii: "0") { return nil }
        var value: Int64 = 0
        var previousUnderscore = false
        for byte in digits {
            if byte == UInt8(ascii: "_") {
                if previousUnderscore { return nil }
                previousUnderscore = true
                continue
            }
            previousUnderscore = false
            guard let digit = digitValue(byte), digit < radix else { return nil }
            let (shifted, o1) = value.multipliedReportingOverflow(by: Int64(radix))
            let (sum, o2) = shifted.addingReportingOverflow(Int64(digit))
            if o1 || o2 { return nil }
            value = sum
        }
        return value
    }

    private static func float(_ body: [UInt8], negative: Bool) -> TOMLValue? {
        // int-part [ "." digits ] [ ("e"|"E") [sign] digits ], at least one of the two.
        var k = 0
        func digitsRun(zeroPrefixable: Bool) -> [UInt8]? {
            let start = k
            while k < body.count, body[k] == UInt8(ascii: "_") || digitValue(body[k]).map({ $0 < 10 }) == true { k += 1 }
            let run = Array(body[start..<k])
            guard integer(run, radix: 10, allowLeadingZeros: zeroPrefixable) != nil || (run.count > 18 && run.allSatisfy { $0 != UInt8(ascii: "-") }) else {
                return nil
            }
            guard !run.isEmpty, run.first != UInt8(ascii: "_"), run.last != UInt8(ascii: "_"), !containsDoubleUnderscore(run) else { return nil }
            if !zeroPrefixable, run.count > 1, run[0] == UInt8(ascii: "0") { return nil }
            return run
        }
        guard digitsRun(zeroPrefixable: false) != nil else { return nil }
        var sawPart = false
        if k < body.count, body[k] == UInt8(ascii: ".") {
            k += 1
            guard digitsRun(zeroPrefixable: true) != nil else { return nil }
            sawPart = true
        }
        if k < body.count, body[k] == UInt8(ascii: "e") || body[k] == UInt8(ascii: "E") {
            k += 1
            if k < body.count, body[k] == UInt8(ascii: "+") || body[k] == UInt8(ascii: "-") { k += 1 }
            guard digitsRun(zeroPrefixable: true) != nil else { return nil }
            sawPart = true
        }
        guard sawPart, k == body.count else { return nil }
        guard let value = Double(String(decoding: body.filter { $0 != UInt8(ascii: "_") }, as: UTF8.self)) else { return nil }
        return .float(negative ? -value : value)
    }

    private static func containsDoubleUnderscore(_ run: [UInt8]) -> Bool {
        zip(run, run.dropFirst()).contains { $0 == UInt8(ascii: "_") && $1 == UInt8(ascii: "_") }
    }

    private static func digitValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(byte - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(byte - UInt8(ascii: "A")) + 10
        default: nil
        }
    }

    package static func dateTime(_ token: String) -> TOMLDateTime? {
        let u = Array(token.utf8)
        var result = TOMLDateTime()
        var k = 0
        func fixed(_ count: Int) -> Int? {
            guard k + count <= u.count else { return nil }
            var value = 0
            for byte in u[k..<k + count] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            k += count
            return value
        }
        func expect(_ byte: UInt8) -> Bool {
            guard k < u.count, u[k] == byte else { return false }
            k += 1
            return true
        }
        func time() -> Bool {
            guard let h = fixed(2), expect(UInt8(ascii: ":")), let m = fixed(2), expect(UInt8(ascii: ":")), let s = fixed(2),
                h < 24, m < 60, s <= 60
            else { return false }
            result.hour = h
            result.minute = m
            result.second = s
            if k < u.count, u[k] == UInt8(ascii: ".") {
                k += 1
                let start = k
                while k < u.count, u[k] >= UInt8(ascii: "0"), u[k] <= UInt8(ascii: "9") { k += 1 }
                guard k > start else { return false }
                let digits = u[start..<min(k, start + 9)]
                var nanos = digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
                for _ in digits.count..<9 { nanos *= 10 }
                result.nanosecond = nanos
            }
            return true
        }
        if u.count >= 10, u[4] == UInt8(ascii: "-") {
            guard let y = fixed(4), expect(UInt8(ascii: "-")), let mo = fixed(2), expect(UInt8(ascii: "-")), let d = fixed(2),
                (1...12).contains(mo), d >= 1, d <= CivilDate.daysIn(month: mo, year: y)
            else { return nil }
            result.year = y
            result.month = mo
            result.day = d
            guard k < u.count else { return result }
            guard [UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: " ")].contains(u[k]) else { return nil }
            k += 1
            guard time() else { return nil }
            guard k < u.count else { return result }
            if u[k] == UInt8(ascii: "Z") || u[k] == UInt8(ascii: "z") {
                k += 1
                result.offsetMinutes = 0
            } else if u[k] == UInt8(ascii: "+") || u[k] == UInt8(ascii: "-") {
                let sign = u[k] == UInt8(ascii: "-") ? -1 : 1
                k += 1
                guard let oh = fixed(2), expect(UInt8(ascii: ":")), let om = fixed(2), oh < 24, om < 60 else { return nil }
                result.offsetMinutes = sign * (oh * 60 + om)
            }
            return k == u.count ? result : nil
        }
        guard time(), k == u.count else { return nil }
        return result
    }
}
