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
        guard let info = try await activeSession(call, &context) else { return "" }
        let sessionID = info.session.sessionID
        var host: SessionHost?
        if info.session.qbxmlVersion == nil || !call["strHCPResponse"].isEmpty {
            let told = HostInfo.parse(call["strHCPResponse"])
            if let refusal = try await wrongCompanyFile(told, info.session) {
                try await store.setLastError(sessionID: sessionID, refusal, now: now())
                try await store.endSession(id: sessionID, now: now())
                logger.error("wrong company file", metadata: ["session": "\(sessionID)", "user": "\(info.userName)"])
                return ""
            }
            let announced = QBXMLVersion(major: Int(call["qbXMLMajorVers"]) ?? 0, minor: Int(call["qbXMLMinorVers"]) ?? 0)
            guard let version = QBXMLVersion.choose(supported: told?.supportedVersions ?? [], announced: announced) else {
                let message = "QuickBooks did not say which qbXML versions it supports; nothing was sent."
                try await store.setLastError(sessionID: sessionID, message, now: now())
                return ""
            }
            let company = call["strCompanyFileName"]
            host = SessionHost(
                companyFile: company.isEmpty ? nil : company, qbxmlVersion: version.description,
                country: told?.country ?? (call["qbXMLCountry"].isEmpty ? nil : call["qbXMLCountry"]), productName: told?.productName)
        }
        let version = QBXMLVersion(host?.qbxmlVersion ?? info.session.qbxmlVersion ?? "") ?? .fallback
        // One transaction: the host, the session's check and touch, the batch marked sent (or the last error).
        let batch = try await store.startBatch(
            sessionID: sessionID, now: now(), host: host, limit: configuration.batchSize, maxBytes: configuration.maxBatchBytes,
            whenEmpty: Self.nothingToSend
        ) { item, prerequisites in Self.prepare(item, prerequisites, version: version) }
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
        guard let info = try await activeSession(call, &context) else { return -1 }
        let session = info.session
        let hresult = call["hresult"]
        if !hresult.isEmpty {
            let message = call["message"]
            let text = "QuickBooks rejected the whole request message: \(message.isEmpty ? "no reason given" : message) (HRESULT \(hresult))"
            logger.warning("request message rejected", metadata: ["session": "\(session.sessionID)", "hresult": "\(hresult)"])
            // The message was not processed: its requests fail with QuickBooks' reason (never re-sent on their
            // own); a retry sends each alone, so one unreadable request cannot fail the others again.
            return try await store.finishBatch(sessionID: session.sessionID, now: now(), lastError: text) { inFlight in
                var outcomes: [Int64: ItemOutcome] = [:]
                for item in inFlight {
                    outcomes[item.id!] = item.state == .checking
                        ? .inDoubt(message: "the lookup was refused: \(text)")
                        : .rejected(message: text)
                }
                return outcomes
            }
        }
        let response: QBXMLResponse
        do {
            response = try QBXMLResponse.parse(call["response"])
        } catch {
            let text = "QuickBooks' response could not be read (\(error)); the requests are in doubt and will be looked up"
            return try await store.finishBatch(sessionID: session.sessionID, now: now(), lastError: text) { inFlight in
                Dictionary(uniqueKeysWithValues: inFlight.map { ($0.id!, ItemOutcome.inDoubt(message: text)) })
            }
        }
        let byID = Dictionary(
            response.items.compactMap { item in item.requestID.map { ($0, item) } }, uniquingKeysWith: { first, _ in first })
        // A transaction a lookup finds may already be another item's (the same RefNumber queued twice).
        let found = response.items.filter { $0.requestID?.hasPrefix(Self.lookupPrefix) == true }.flatMap { $0.rets.compactMap { $0.childText("TxnID") } }
        let claimed = found.isEmpty ? [] : try await store.claimedTxnIDs(userID: session.userID, among: found)
        let progress = try await store.finishBatch(sessionID: session.sessionID, now: now()) { inFlight in
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
        logger.info(
            "response applied", metadata: ["session": "\(session.sessionID)", "responses": "\(response.items.count)", "progress": "\(progress)"])
        return progress
    }
}
