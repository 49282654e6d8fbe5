import Foundation
import QBModel
import QBXML
import SOAP
import Store
import XMLKit

extension WebConnectorService {
    static let lookupPrefix = "check-"

    func sendRequestXML(_ call: SOAPCall, _ context: inout Context) async throws -> String {
        if idleUser(call, &context) != nil { return "" }
        let started: (batch: Batch, version: QBXMLVersion)?
        if call["strHCPResponse"].isEmpty, let ticket = call.ticket {
            started = try await nextBatch(call, ticket: ticket, &context)
        } else {
            started = try await firstBatch(call, &context)
        }
        guard let (batch, version) = started else { return "" }
        let sessionID = context.sessionID ?? 0
        if batch.lostResponses > 0 {
            logger.warning(
                "response lost: requests are now in doubt",
                metadata: ["session": "\(sessionID)", "count": "\(batch.lostResponses)"])
        }
        if !batch.refused.isEmpty {
            logger.warning("requests not sent", metadata: ["session": "\(sessionID)", "count": "\(batch.refused.count)", "version": "\(version)"])
        }
        if batch.isEmpty { return "" }
        var requests: [(requestID: String, body: String)] = []
        for item in batch.lookups {
            requests.append((Self.lookupPrefix + String(item.id!), item.lookupBody ?? ""))
        }
        for item in batch.items {
            requests.append((String(item.id!), item.body))
        }
        logger.info(
            "sending batch",
            metadata: ["session": "\(sessionID)", "requests": "\(batch.items.count)", "lookups": "\(batch.lookups.count)"])
        return QBXMLRequestMessage.build(version: version, requests: requests)
    }

    /// A session's first sendRequestXML (QuickBooks tells about itself): the company file is checked and the
    /// qbXML version chosen before the batch starts.
    func firstBatch(_ call: SOAPCall, _ context: inout Context) async throws -> (batch: Batch, version: QBXMLVersion)? {
        guard let info = try await activeSession(call, &context) else { return nil }
        let sessionID = info.session.sessionID
        let told = HostInfo.parse(call["strHCPResponse"])
        if let refusal = try await wrongCompanyFile(told, info.session) {
            try await store.setLastError(sessionID: sessionID, refusal, now: now())
            try await store.endSession(id: sessionID, now: now())
            logger.error("wrong company file", metadata: ["session": "\(sessionID)", "user": "\(info.userName)"])
            return nil
        }
        guard let version = QBXMLVersion.choose(supported: told?.supportedVersions ?? [], announced: Self.announced(call)) else {
            try await store.setLastError(sessionID: sessionID, Self.noVersion, now: now())
            return nil
        }
        let host = Self.host(call, version: version, told: told)
        // One transaction: the host, the session's check and touch, the batch marked sent (or the last error).
        let batch = try await store.startBatch(
            sessionID: sessionID, now: now(), host: host, limit: configuration.batchSize, maxBytes: configuration.maxBatchBytes,
            whenEmpty: Self.nothingToSend
        ) { item, prerequisites in Self.prepare(item, prerequisites, version: version) }
        return (batch, version)
    }

    /// Every later sendRequestXML: the session found and the batch started in one transaction.
    func nextBatch(_ call: SOAPCall, ticket: String, _ context: inout Context) async throws -> (batch: Batch, version: QBXMLVersion)? {
        let announced = Self.announced(call)
        let outcome = try await store.startBatch(
            ticket: ticket, now: now(), idleTimeout: configuration.idleTimeout, limit: configuration.batchSize,
            maxBytes: configuration.maxBatchBytes, unprepared: Self.noVersion, whenEmpty: Self.nothingToSend
        ) { session in
            guard let version = Self.version(of: session, announced: announced) else { return nil }
            let host = session.qbxmlVersion == nil ? Self.host(call, version: version, told: nil) : nil
            return BatchPlan(host: host) { item, prerequisites in Self.prepare(item, prerequisites, version: version) }
        }
        // Nil when the ticket is unknown or its session over (logged), or no version could be chosen (the last error).
        guard let batch = found(call, outcome, &context), case .active(let info, _) = outcome,
            let version = Self.version(of: info.session, announced: announced)
        else { return nil }
        return (batch, version)
    }

    static let noVersion = "QuickBooks did not say which qbXML versions it supports; nothing was sent."

    /// The qbXML version a session's requests are written in: the one chosen on its first call, or (when that
    /// call told nothing) the one the Web Connector announces.
    static func version(of session: Session, announced: QBXMLVersion) -> QBXMLVersion? {
        if let chosen = session.qbxmlVersion { return QBXMLVersion(chosen) ?? .fallback }
        return QBXMLVersion.choose(supported: [], announced: announced)
    }

    static func announced(_ call: SOAPCall) -> QBXMLVersion {
        QBXMLVersion(major: Int(call["qbXMLMajorVers"]) ?? 0, minor: Int(call["qbXMLMinorVers"]) ?? 0)
    }

    static func host(_ call: SOAPCall, version: QBXMLVersion, told: HostInfo?) -> SessionHost {
        let company = call["strCompanyFileName"]
        return SessionHost(
            companyFile: company.isEmpty ? nil : company, qbxmlVersion: version.description,
            country: told?.country ?? (call["qbXMLCountry"].isEmpty ? nil : call["qbXMLCountry"]), productName: told?.productName)
    }

    /// The body that goes out for an item, or why it cannot: written for a newer qbXML than this QuickBooks
    /// accepts, or carrying the TxnID of a transaction QuickBooks gave none.
    static func prepare(_ item: QueueItem, _ prerequisites: [Prerequisite], version: QBXMLVersion) -> Preparation {
        if let minimum = item.minVersion, let needed = QBXMLVersion(minimum), needed > version {
            return .refuse("written for qbXML \(needed), but this QuickBooks accepts at most qbXML \(version); not sent")
        }
        let sources = prerequisites.map { TxnIDPlaceholder.Source(key: $0.planKey, queueID: $0.id, txnID: $0.txnID, label: $0.label) }
        do throws(TxnIDPlaceholder.FillError) {
            // A deletion's lookup names the TxnID it deletes, known only now, like the deletion itself.
            let body = try TxnIDPlaceholder.fill(item.body, from: sources)
            guard let lookup = item.lookupBody else { return .send(body) }
            return .send(body, lookupBody: try TxnIDPlaceholder.fill(lookup, from: sources))
        } catch {
            let named = sources.first(where: error.names)?.label ?? error.key?.description ?? "queue item \(error.queueID ?? 0)"
            return .refuse("not sent: \(named), which it applies to, has no TxnID from QuickBooks")
        }
    }

    /// What getLastError says when a sendRequestXML had nothing to send.
    @Sendable static func nothingToSend(_ batch: Batch) -> String {
        if !batch.refused.isEmpty {
            return "\(batch.refused.count) request(s) could not be sent and failed (\(batch.refused[0].statusMessage ?? "")) — run qblink queue --state failed"
        }
        if batch.waiting > 0 {
            return "\(batch.waiting) request(s) wait for a customer, item or invoice that is in doubt — run qblink queue --state in-doubt"
        }
        return "No request left to send."
    }

    /// A refusal when the open company file carries another qblink user's FileID (the Web Connector
    /// stores the .qwc's FileID in the company file and reports it back in the HCP response).
    func wrongCompanyFile(_ host: HostInfo?, _ session: Session) async throws -> String? {
        guard let host, !host.fileIDs.isEmpty else { return nil }
        guard let found = host.fileIDs[try await store.ownerID().uppercased()],
            let user = try await store.user(id: session.userID)
        else { return nil }
        guard found.uppercased() != user.fileID.uppercased() else { return nil }
        return "The company file open in QuickBooks\(host.companyName.map { " (\($0))" } ?? "") is registered with FileID \(found), "
            + "but user \(user.name)'s is \(user.fileID): it is another company's file. Nothing was sent; "
            + "open the right company file, or add this file with its own user and .qwc."
    }

    func receiveResponseXML(_ call: SOAPCall, _ context: inout Context) async throws -> Int {
        if idleUser(call, &context) != nil { return -1 }
        guard let ticket = call.ticket else { return -1 }
        let (now, timeout) = (now(), configuration.idleTimeout)
        let hresult = call["hresult"]
        if !hresult.isEmpty {
            let message = call["message"]
            let text = "QuickBooks rejected the whole request message: \(message.isEmpty ? "no reason given" : message) (HRESULT \(hresult))"
            // The message was not processed: its requests fail with QuickBooks' reason (never re-sent on their
            // own); a retry sends each alone, so one unreadable request cannot fail the others again.
            let outcome = try await store.finishBatch(ticket: ticket, now: now, idleTimeout: timeout, lastError: text) { inFlight, _ in
                var outcomes: [Int64: ItemOutcome] = [:]
                for item in inFlight {
                    outcomes[item.id!] = item.state == .checking
                        ? .inDoubt(message: "the lookup was refused: \(text)")
                        : .rejected(message: text)
                }
                return outcomes
            }
            guard let progress = found(call, outcome, &context) else { return -1 }
            logger.warning("request message rejected", metadata: ["session": "\(context.sessionID ?? 0)", "hresult": "\(hresult)"])
            return progress
        }
        let response: QBXMLResponse
        let text = call["response"]
        do {
            response = try await parsing.run(bytes: text.utf8.count) {
                Result { () throws(QBXMLFileError) in try QBXMLResponse.parse(text) }
            }.get()
        } catch {
            let text = "QuickBooks' response could not be read (\(error)); the requests are in doubt and will be looked up"
            let outcome = try await store.finishBatch(ticket: ticket, now: now, idleTimeout: timeout, lastError: text) { inFlight, _ in
                Dictionary(uniqueKeysWithValues: inFlight.map { ($0.id!, ItemOutcome.inDoubt(message: text)) })
            }
            return found(call, outcome, &context) ?? -1
        }
        let byID = Dictionary(
            response.items.compactMap { item in item.requestID.map { ($0, item) } }, uniquingKeysWith: { first, _ in first })
        // A transaction a lookup finds may already be another item's (the same RefNumber queued twice).
        let lookedUp = response.items.filter { $0.requestID?.hasPrefix(Self.lookupPrefix) == true }.flatMap { $0.rets.compactMap { $0.childText("TxnID") } }
        let outcome = try await store.finishBatch(ticket: ticket, now: now, idleTimeout: timeout, claimedAmong: lookedUp) { inFlight, claimed in
            var outcomes: [Int64: ItemOutcome] = [:]
            for item in inFlight {
                if item.state == .checking {
                    if let rs = byID[Self.lookupPrefix + String(item.id!)] {
                        outcomes[item.id!] = Self.lookupOutcome(item, rs, claimed: claimed)
                    }
                } else if let rs = byID[String(item.id!)] {
                    outcomes[item.id!] = item.isLookupPhase ? Self.ensureOutcome(item, rs) : Self.outcome(rs, of: item)
                }
            }
            return outcomes
        }
        guard let progress = found(call, outcome, &context) else { return -1 }
        logger.info(
            "response applied", metadata: ["session": "\(context.sessionID ?? 0)", "responses": "\(response.items.count)", "progress": "\(progress)"])
        return progress
    }
}
