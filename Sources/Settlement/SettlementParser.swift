#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Streams an Amazon settlement report (tab-separated Flat File V2 or V1): feed it chunks of bytes as they
/// are read, get every amount as a `SettlementEntry`, and at the end the summary row, checked against the
/// sum of the amounts. Memory stays flat whatever the file's size. Pure: the caller does the reading.
public struct SettlementParser {
    private var pending: [UInt8] = []
    private(set) var lineNumber = 0
    private var columns: Columns?
    private var header: SettlementHeader?
    private var summaryLine = 0
    private var sum = 0
    private var rows = 0
    private var firstMarketplace = ""
    private var fields: [Range<Int>] = []
    private var interner = Interner()
    private var kinds: [UInt64: Int] = [:]
    private var lastPostedBytes: [UInt8] = []
    private var lastPosted: DayDate?
    private var headerIDBytes: [UInt8] = []
    private var haveHeader = false
    private var lastValues: [Int] = []

    public init() {
        pending.reserveCapacity(4096)
        fields.reserveCapacity(40)
    }

    /// Feeds the next bytes of the file; `emit` receives each amount read.
    public mutating func feed(_ chunk: UnsafeRawBufferPointer, emit: (SettlementEntry) -> Void) throws(SettlementError) {
        let bytes = chunk.bindMemory(to: UInt8.self)
        guard let base = bytes.baseAddress else { return }
        let n = bytes.count
        var lineStart = 0
        while lineStart < n, let found = memchr(base + lineStart, 0x0A, n - lineStart) {
            let i = UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - base
            try checkLength(pending.count + i - lineStart)
            if pending.isEmpty {
                try handleLine(UnsafeBufferPointer(rebasing: bytes[lineStart..<i]), emit: emit)
            } else {
                pending.append(contentsOf: bytes[lineStart..<i])
                let line = pending
                pending.removeAll(keepingCapacity: true)
                try line.withUnsafeBufferPointer { p throws(SettlementError) in try handleLine(p, emit: emit) }
            }
            lineStart = i + 1
        }
        if lineStart < n {
            try checkLength(pending.count + n - lineStart)
            pending.append(contentsOf: bytes[lineStart..<n])
        }
    }

    /// Ends the file: checks that there was a summary row and that the amounts add up to its total.
    public mutating func finish(emit: (SettlementEntry) -> Void) throws(SettlementError) -> SettlementHeader {
        if !pending.isEmpty {
            let line = pending
            pending.removeAll()
            try line.withUnsafeBufferPointer { p throws(SettlementError) in try handleLine(p, emit: emit) }
        }
        guard columns != nil else { throw SettlementError(line: 0, "the file is empty; expected an Amazon settlement report") }
        guard var header else {
            throw SettlementError(line: 0, "no summary row (the first data row, with settlement-start-date and total-amount)")
        }
        header.rows = rows
        header.amountsCents = sum
        header.marketplace = firstMarketplace
        guard sum == header.totalCents else {
            throw SettlementError(
                line: summaryLine,
                "the report does not reconcile: its amounts add up to \(Cents.format(sum)) but total-amount is \(Cents.format(header.totalCents)) (difference \(Cents.format(sum - header.totalCents))); Amazon re-issues such reports on request")
        }
        return header
    }

    // MARK: - Lines

    private mutating func handleLine(_ raw: UnsafeBufferPointer<UInt8>, emit: (SettlementEntry) -> Void) throws(SettlementError) {
        lineNumber += 1
        var line = raw
        if line.last == 0x0D { line = UnsafeBufferPointer(rebasing: line.dropLast()) }
        if lineNumber == 1, line.count >= 3, line[0] == 0xEF, line[1] == 0xBB, line[2] == 0xBF {
            line = UnsafeBufferPointer(rebasing: line.dropFirst(3))
        }
        splitFields(line)
        guard let columns else {
            columns = try Columns(header: fields.map { Self.text(line, $0) }, line: lineNumber)
            return
        }
        if fields.allSatisfy({ Self.isBlank(line, $0) }) { return }  // blank or all-tab line
        try handleRow(line, columns, emit: emit)
    }

    private mutating func splitFields(_ line: UnsafeBufferPointer<UInt8>) {
        fields.removeAll(keepingCapacity: true)
        guard let base = line.baseAddress, line.count > 0 else {
            fields.append(0..<0)
            return
        }
        var start = 0
        while start <= line.count {
            let rest = line.count - start
            if rest > 0, let tab = memchr(base + start, 0x09, rest) {
                let i = UnsafePointer<UInt8>(tab.assumingMemoryBound(to: UInt8.self)) - base
                fields.append(start..<i)
                start = i + 1
            } else {
                fields.append(start..<line.count)
                break
            }
        }
    }

    private func field(_ line: UnsafeBufferPointer<UInt8>, _ index: Int) -> UnsafeBufferPointer<UInt8> {
        guard index >= 0, index < fields.count else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(rebasing: line[fields[index]])
    }

    private func string(_ line: UnsafeBufferPointer<UInt8>, _ index: Int) -> String {
        guard index >= 0, index < fields.count else { return "" }
        return Self.text(line, fields[index])
    }

    private mutating func handleRow(_ line: UnsafeBufferPointer<UInt8>, _ c: borrowing Columns, emit: (SettlementEntry) -> Void) throws(SettlementError) {
        let idField = trimmedField(line, c.settlementID)
        guard haveHeader else {
            headerIDBytes = Array(idField)
            try readSummaryRow(line, c)
            return
        }
        if idField.count > 0 && !Interner.same(headerIDBytes, idField) {
            throw SettlementError(
                line: lineNumber,
                "settlement-id \(string(line, c.settlementID).trimmed) differs from the summary row's \(header!.settlementID): one file holds one settlement")
        }
        if !Self.isBlank(line, fields[safe: c.totalAmount]) {
            throw SettlementError(line: lineNumber, "a second summary row (total-amount is set again)")
        }
        rows += 1
        let tt = intern(line, c.transactionType)
        let mp = intern(line, c.marketplace)
        let ful = intern(line, c.fulfillment)
        let skuID = intern(line, c.sku)
        let marketplace = interner[mp]
        if firstMarketplace.isEmpty && !marketplace.isEmpty { firstMarketplace = marketplace }
        let posted = try postedDate(line, c)
        let quantity = try self.quantity(line, c)
        var entry = SettlementEntry(
            line: lineNumber, transactionType: interner[tt], amountType: "", amountDescription: "", cents: 0,
            fulfillment: interner[ful], posted: posted, sku: interner[skuID], quantity: quantity, marketplace: marketplace)
        entry.skuID = skuID
        entry.channelID = ful
        entry.marketplaceID = mp
        switch c.format {
        case .flatFileV2:
            let at = intern(line, c.amountType)
            let d = intern(line, c.amountDescription)
            entry.amountType = interner[at]
            entry.amountDescription = interner[d]
            entry.kindID = kind(tt, at, d)
            entry.cents = try amount(line, c.amount, "amount")
            sum += entry.cents
            emit(entry)
        case .flatFileV1:
            try emitV1(line, c, entry, transactionType: tt, emit: emit)
        }
    }

    /// The first data row: the settlement's id, period, deposit date, total and currency.
    private mutating func readSummaryRow(_ line: UnsafeBufferPointer<UInt8>, _ c: borrowing Columns) throws(SettlementError) {
        guard !Self.isBlank(line, fields[safe: c.totalAmount]) || !Self.isBlank(line, fields[safe: c.start]) else {
            throw SettlementError(line: lineNumber, "the first data row must be the summary row (settlement-start-date, total-amount)")
        }
        let total: Int
        do { total = try Cents.parse(field(line, c.totalAmount)) } catch {
            throw SettlementError(line: lineNumber, "total-amount '\(string(line, c.totalAmount))': \(error)")
        }
        func date(_ index: Int, _ name: String) throws(SettlementError) -> DayDate? {
            let f = field(line, index)
            if Self.isBlank(f) { return nil }
            guard let d = DayDate.parse(f) else {
                throw SettlementError(line: lineNumber, "\(name) '\(string(line, index))' is not a date qblink knows")
            }
            return d
        }
        header = SettlementHeader(
            settlementID: string(line, c.settlementID).trimmed, format: c.format, start: try date(c.start, "settlement-start-date"),
            end: try date(c.end, "settlement-end-date"), deposit: try date(c.deposit, "deposit-date"),
            totalCents: total, currency: string(line, c.currency).trimmed, marketplace: "", rows: 0, amountsCents: 0)
        summaryLine = lineNumber
        haveHeader = true
    }

    /// The row's posted date; consecutive rows mostly repeat it, so the last one read is reused.
    @inline(__always)
    private mutating func postedDate(_ line: UnsafeBufferPointer<UInt8>, _ c: borrowing Columns) throws(SettlementError) -> DayDate? {
        let postedField = trimmedField(line, c.postedDate)
        guard postedField.count > 0 else { return nil }
        if Interner.same(lastPostedBytes, postedField) { return lastPosted }
        guard let d = DayDate.parse(postedField) else {
            throw SettlementError(line: lineNumber, "posted-date '\(string(line, c.postedDate))' is not a date qblink knows")
        }
        lastPosted = d
        lastPostedBytes = Array(postedField)
        return d
    }

    @inline(__always)
    private func quantity(_ line: UnsafeBufferPointer<UInt8>, _ c: borrowing Columns) throws(SettlementError) -> Int? {
        let quantityField = trimmedField(line, c.quantity)
        guard quantityField.count > 0 else { return nil }
        var q = 0
        for b in quantityField {
            guard b >= 0x30 && b <= 0x39, q < 100_000_000 else {
                throw SettlementError(line: lineNumber, "quantity-purchased '\(string(line, c.quantity))' is not a whole number")
            }
            q = q * 10 + Int(b - 0x30)
        }
        return q
    }

    /// A V1 row spreads its amounts over typed columns: one entry per amount (or a quantity-only entry).
    private mutating func emitV1(
        _ line: UnsafeBufferPointer<UInt8>, _ c: borrowing Columns, _ entry: SettlementEntry, transactionType tt: Int,
        emit: (SettlementEntry) -> Void
    ) throws(SettlementError) {
        var emitted = false
        for slot in c.v1Slots {
            let f = field(line, slot.amount)
            if Self.isBlank(f) { continue }
            var e = entry
            e.cents = try amount(line, slot.amount, slot.name)
            let at = slot.amountType.map { internConstant($0) } ?? tt
            var d = slot.typeColumn.map { intern(line, $0) } ?? -1
            if d < 0 || interner[d].isEmpty { d = slot.fixedDescription.map { internConstant($0) } ?? tt }
            e.amountType = interner[at]
            e.amountDescription = interner[d]
            e.kindID = kind(tt, at, d)
            sum += e.cents
            emit(e)
            emitted = true
        }
        if !emitted && entry.quantity != nil {
            var quantityOnly = entry
            quantityOnly.isQuantityOnly = true
            emit(quantityOnly)
        }
    }

    private mutating func kind(_ t: Int, _ a: Int, _ d: Int) -> Int {
        let key = UInt64(t) << 42 | UInt64(a) << 21 | UInt64(d)  // interned ids stay far below 2^21
        if let id = kinds[key] { return id }
        let id = kinds.count
        kinds[key] = id
        return id
    }

    /// Interns a column's value; consecutive rows mostly repeat it (the rows of one order item), so the
    /// column's last value is checked first.
    private mutating func intern(_ line: UnsafeBufferPointer<UInt8>, _ index: Int) -> Int {
        let f = trimmedField(line, index)
        guard index >= 0 else { return interner.intern(f) { Self.text($0, 0..<$0.count) } }
        if index < lastValues.count, lastValues[index] >= 0, interner.holds(lastValues[index], f) { return lastValues[index] }
        let id = interner.intern(f) { Self.text($0, 0..<$0.count) }
        if index >= lastValues.count { lastValues += Array(repeating: -1, count: index + 1 - lastValues.count) }
        lastValues[index] = id
        return id
    }

    private mutating func internConstant(_ text: String) -> Int {
        var copy = text
        return copy.withUTF8 { p in interner.intern(p) { Self.text($0, 0..<$0.count) } }
    }

    /// The field without surrounding spaces (and a stray CR).
    private func trimmedField(_ line: UnsafeBufferPointer<UInt8>, _ index: Int) -> UnsafeBufferPointer<UInt8> {
        let f = field(line, index)
        var s = 0
        var e = f.count
        while s < e, f[s] == 0x20 { s += 1 }
        while e > s, f[e - 1] == 0x20 || f[e - 1] == 0x0D { e -= 1 }
        return UnsafeBufferPointer(rebasing: f[s..<e])
    }

    private func amount(_ line: UnsafeBufferPointer<UInt8>, _ index: Int, _ name: String) throws(SettlementError) -> Int {
        do {
            return try Cents.parse(field(line, index))
        } catch {
            throw SettlementError(line: lineNumber, "\(name) '\(string(line, index))': \(error)")
        }
    }
}
