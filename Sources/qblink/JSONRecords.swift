import Foundation
import Store

// What `--json` prints of sessions, calls and users: everything the tables show and more, never a password hash
// (a session's ticket appears only inside the logged call bodies, as the exchange log holds them).

struct SessionJSON: Encodable {
    var id: Int64
    var user: String
    var state: String
    var startedAt: Date
    var lastSeenAt: Date
    var endedAt: Date?
    var calls: Int
    var done: Int
    var failed: Int
    var inDoubt: Int
    var companyFile: String?
    var productName: String?
    var qbxmlVersion: String?
    var lastError: String?

    init(_ info: SessionInfo) {
        let s = info.session
        id = s.sessionID
        user = info.userName
        state = s.state.rawValue
        startedAt = s.startedAt
        lastSeenAt = s.lastSeenAt
        endedAt = s.endedAt
        calls = info.calls
        done = s.doneCount
        failed = s.failedCount
        inDoubt = s.inDoubtCount
        companyFile = s.companyFile
        productName = s.productName
        qbxmlVersion = s.qbxmlVersion
        lastError = s.lastError
    }
}

struct CallJSON: Encodable {
    var id: Int64?
    var at: Date
    var method: String
    var httpStatus: Int
    var durationMS: Double
    /// The request and response bodies as logged (passwords masked, long bodies cut).
    var request: String
    var response: String

    init(_ call: Exchange) {
        id = call.id
        at = call.at
        method = call.method
        httpStatus = call.httpStatus
        durationMS = call.durationMS
        request = call.requestBody
        response = call.responseBody
    }
}

struct SessionDetailJSON: Encodable {
    var session: SessionJSON
    var calls: [CallJSON]
    var items: [ListedItem]
}

struct UserJSON: Encodable {
    var name: String
    var companyFile: String
    var fileID: String
    var createdAt: Date
    var counts: [String: Int]
}
