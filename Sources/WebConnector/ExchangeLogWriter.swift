import Foundation
import Logging
import SOAP
import Store
import XMLKit

/// The exchange log's way to the database, off the answer's path: a call's record is queued in memory and the
/// queue is written in batches, one transaction each (`Store.logExchanges`, which does not wait for the disk),
/// while the answer goes out. Calls that arrive while a batch is written form the next one. Bounded: when
/// `capacity` records or `capacityBytes` of bodies wait, a call waits for room before it answers. A crash loses
/// at most what waits here, never queue state: each call's queue change was committed before it was queued.
actor ExchangeLogWriter {
    /// One call as it is queued; the password is masked when the batch is written.
    struct Entry: Sendable {
        var at: Date
        var method: String
        var ticket: String?
        var userName: String?
        var sessionID: Int64?
        var durationMS: Double
        var httpStatus: Int
        /// The request body, already cut to `bodyLimit` (what waits here is bounded by what is kept).
        var request: [UInt8]
        var requestBytes: Int
        var response: String
        /// The most bytes of each body kept: the per-call cap for a trusted call, a short excerpt for anything else.
        var bodyLimit: Int

        init(
            at: Date, method: String, ticket: String?, userName: String?, sessionID: Int64?, durationMS: Double, httpStatus: Int,
            request: [UInt8], response: String, bodyLimit: Int
        ) {
            (self.at, self.method, self.ticket, self.userName, self.sessionID) = (at, method, ticket, userName, sessionID)
            (self.durationMS, self.httpStatus, self.response, self.bodyLimit) = (durationMS, httpStatus, response, bodyLimit)
            self.request = request.count > bodyLimit ? Array(request.prefix(bodyLimit)) : request
            requestBytes = request.count
        }

        var bytes: Int { request.count + min(response.utf8.count, bodyLimit) }

        var exchange: Exchange {
            // The password is masked in what is kept, before the note on what was cut is added.
            let (request, requestNote) = Self.cut(request, total: requestBytes, limit: bodyLimit)
            let (response, responseNote) = Self.cut(response.utf8, total: response.utf8.count, limit: bodyLimit)
            return Exchange(
                at: at, method: method, ticket: ticket, userName: userName, sessionID: sessionID, durationMS: durationMS,
                httpStatus: httpStatus, requestBody: SOAPCodec.maskingPasswords(in: request) + requestNote,
                responseBody: response + responseNote)
        }

        /// The text of `bytes` cut to `limit` bytes, and a note saying how long the whole (`total`) was when it was cut.
        static func cut<Bytes: Collection<UInt8>>(_ bytes: Bytes, total: Int, limit: Int) -> (text: String, note: String) {
            guard total > limit else { return (String(decoding: bytes, as: UTF8.self), "") }
            return (String(decoding: bytes.prefix(limit), as: UTF8.self), " … [\(total) bytes in all; the rest is not logged]")
        }
    }

    /// The bytes kept of a call that came without a verified password or an active session's ticket (refused
    /// calls, unknown tickets, serverVersion, failed logins): enough to see what it was.
    static let untrustedExcerpt = 512

    /// What writing the log has cost so far.
    struct Totals: Sendable {
        var records = 0
        var batches = 0
        var nanoseconds: UInt64 = 0
        var failures = 0
    }

    let store: Store
    let capacity: Int
    let capacityBytes: Int
    let logger: Logger
    private var pending: [Entry] = []
    private var pendingBytes = 0
    private var writing = false
    private var waitingForRoom: [CheckedContinuation<Void, Never>] = []
    private var waitingForEmpty: [CheckedContinuation<Void, Never>] = []
    private(set) var totals = Totals()

    /// How long a batch waits for more records before it is written.
    let gatherNanoseconds: UInt64

    init(store: Store, capacity: Int = 2_000, capacityBytes: Int = 64 << 20, gather: TimeInterval = 0.005, logger: Logger) {
        self.store = store
        gatherNanoseconds = UInt64(gather * 1e9)
        self.capacity = capacity
        self.capacityBytes = capacityBytes
        self.logger = logger
    }

    /// Queues one call's record, waiting first while the queue is full.
    func append(_ entry: Entry) async {
        // A record larger than the whole allowance still goes, alone.
        while !pending.isEmpty && (pending.count >= capacity || pendingBytes + entry.bytes > capacityBytes) {
            await withCheckedContinuation { waitingForRoom.append($0) }
        }
        pending.append(entry)
        pendingBytes += entry.bytes
        if !writing {
            writing = true
            Task { await self.writeAll() }
        }
    }

    /// Waits until everything queued so far is in the database (shutdown, and tests that read the log).
    func flush() async {
        guard writing || !pending.isEmpty else { return }
        await withCheckedContinuation { waitingForEmpty.append($0) }
    }

    private func writeAll() async {
        // A moment for the calls arriving meanwhile to join the batch: one transaction for many records.
        if gatherNanoseconds > 0 { try? await Task.sleep(nanoseconds: gatherNanoseconds) }
        while !pending.isEmpty {
            let batch = pending
            pending.removeAll(keepingCapacity: true)
            pendingBytes = 0
            let room = waitingForRoom
            waitingForRoom.removeAll()
            for waiter in room { waiter.resume() }
            let started = DispatchTime.now().uptimeNanoseconds
            let large = batch.reduce(0) { $0 + $1.exchange.requestBody.utf8.count + $1.exchange.responseBody.utf8.count } > 1 << 20
            defer {
                // Large bodies written (after the answers that trimmed the heap): give their memory back too,
                // off Swift's cooperative threads.
                if large { DispatchQueue.global().async { XMLReader.releaseFreeMemory() } }
            }
            do {
                try await store.logExchanges(batch.map(\.exchange))
            } catch {
                totals.failures += batch.count
                logger.error("could not record calls in the exchange log", metadata: ["calls": "\(batch.count)", "error": "\(error)"])
            }
            totals.records += batch.count
            totals.batches += 1
            totals.nanoseconds += DispatchTime.now().uptimeNanoseconds - started
        }
        writing = false
        let empty = waitingForEmpty
        waitingForEmpty.removeAll()
        for waiter in empty { waiter.resume() }
    }
}
