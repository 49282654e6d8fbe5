/// A calendar day in UTC (the report's times are UTC).
public struct DayDate: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    public static func < (a: DayDate, b: DayDate) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }

    /// `2024-10-26`.
    public var description: String { "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))" }
    /// `2024-10`.
    public var monthKey: String { "\(pad(year, 4))-\(pad(month, 2))" }

    public var lastDayOfMonth: DayDate {
        let days = [31, isLeap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return DayDate(year: year, month: month, day: days)
    }

    var isLeap: Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    var isValid: Bool {
        guard year >= 1900 && year <= 2999 && month >= 1 && month <= 12 && day >= 1 else { return false }
        return day <= lastDayOfMonth.day
    }

    /// Reads the day of the date formats Amazon settlement reports use: `2024-10-23 14:28:39 UTC`,
    /// `2024-10-26`, `13.09.2024 08:59:52 UTC`, `25.09.2024`, ISO 8601 with an offset
    /// (`2025-08-14T06:23:59+00:00`, `…-07:00`, `…Z`; converted to the UTC day), `09/06/25` and
    /// `09/06/2025` (day first, as Amazon's EU exports write it). Nil when it is none of them.
    public static func parse(_ f: UnsafeBufferPointer<UInt8>) -> DayDate? {
        var s = 0
        var e = f.count
        while s < e, f[s] == 0x20 { s += 1 }
        while e > s, f[e - 1] == 0x20 || f[e - 1] == 0x0D { e -= 1 }
        func digits(_ at: Int, _ n: Int) -> Int? {
            guard at + n <= e else { return nil }
            var v = 0
            for i in at..<(at + n) {
                let b = f[i]
                guard b >= 0x30 && b <= 0x39 else { return nil }
                v = v * 10 + Int(b - 0x30)
            }
            return v
        }
        func at(_ i: Int, _ c: Character) -> Bool { i < e && f[i] == c.asciiValue! }
        var date: DayDate?
        var timeStart = -1
        if let y = digits(s, 4), at(s + 4, "-"), let m = digits(s + 5, 2), at(s + 7, "-"), let d = digits(s + 8, 2) {
            date = DayDate(year: y, month: m, day: d)
            timeStart = s + 10
        } else if let d = digits(s, 2), at(s + 2, "."), let m = digits(s + 3, 2), at(s + 5, "."), let y = digits(s + 6, 4) {
            date = DayDate(year: y, month: m, day: d)
            timeStart = s + 10
        } else if let d = digits(s, 2), at(s + 2, "/"), let m = digits(s + 3, 2), at(s + 5, "/") {
            if let y = digits(s + 6, 4) {
                date = DayDate(year: y, month: m, day: d)
                timeStart = s + 10
            } else if let y = digits(s + 6, 2) {
                date = DayDate(year: 2000 + y, month: m, day: d)
                timeStart = s + 8
            }
        }
        guard var result = date, result.isValid else { return nil }
        // An ISO offset moves the instant to another UTC day: 2025-08-14T23:30:00-05:00 is 08-15 UTC.
        if timeStart < e, f[timeStart] == UInt8(ascii: "T"), let hh = digits(timeStart + 1, 2), let mm = digits(timeStart + 4, 2) {
            var k = timeStart + 6
            while k < e, f[k] != UInt8(ascii: "+"), f[k] != UInt8(ascii: "-"), f[k] != UInt8(ascii: "Z") { k += 1 }
            if k < e, f[k] != UInt8(ascii: "Z"), let oh = digits(k + 1, 2) {
                let om = digits(k + 4, 2) ?? digits(k + 3, 2) ?? 0
                let sign = f[k] == UInt8(ascii: "+") ? 1 : -1
                let minutes = hh * 60 + mm - sign * (oh * 60 + om)
                if minutes < 0 { result = result.adding(days: -1) } else if minutes >= 1440 { result = result.adding(days: 1) }
            }
        }
        return result
    }

    public static func parse(_ text: String) -> DayDate? {
        var copy = text
        return copy.withUTF8 { parse($0) }
    }

    func adding(days: Int) -> DayDate {
        var d = self
        if days > 0 {
            if d.day < d.lastDayOfMonth.day { d.day += 1 } else if d.month < 12 { d.month += 1; d.day = 1 } else { d = DayDate(year: year + 1, month: 1, day: 1) }
        } else if days < 0 {
            if d.day > 1 { d.day -= 1 } else if d.month > 1 { d.month -= 1; d.day = d.lastDayOfMonth.day } else { d = DayDate(year: year - 1, month: 12, day: 31) }
        }
        return d
    }
}

private func pad(_ n: Int, _ width: Int) -> String {
    let s = String(n)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
}
