extension JapaneseFormat {
    /// `令和7年10月20日 10時5分`: an instant in Japan time, as a receipt is stated.
    package static func warekiHoursMinutes(epochSeconds: Int) -> String {
        let iso = JST.iso8601(epochSeconds: epochSeconds)
        guard let date = CivilDate(iso: String(iso.prefix(10))), let hour = Int(iso.dropFirst(11).prefix(2)),
            let minute = Int(iso.dropFirst(14).prefix(2))
        else { return iso }
        return "\(wareki(date)) \(hour)時\(minute)分"
    }
}
