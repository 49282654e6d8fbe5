import Foundation
import GRDB

extension Store {
    public func addAmazonAccount(_ account: AmazonAccount) async throws {
        try await engine.write { db in
            guard try Int.fetchOne(db, literal: "SELECT COUNT(*) FROM amazon_accounts WHERE name = \(account.name)") == 0 else {
                throw StoreError.amazonAccountExists(account.name)
            }
            try db.execute(literal: """
                INSERT INTO amazon_accounts (name, region, client_id, client_secret, refresh_token, endpoint, token_url, created_at)
                VALUES (\(account.name), \(account.region), \(account.clientID), \(account.clientSecret), \(account.refreshToken),
                        \(account.endpoint), \(account.tokenURL), \(account.createdAt))
                """)
        }
    }

    public func amazonAccounts() async throws -> [AmazonAccount] {
        try await engine.read { db in try Row.fetchAll(db, sql: "SELECT * FROM amazon_accounts ORDER BY name").map(AmazonAccount.init(row:)) }
    }

    public func amazonAccount(named name: String) async throws -> AmazonAccount {
        try await engine.read { db in
            guard let row = try Row.fetchOne(db, literal: "SELECT * FROM amazon_accounts WHERE name = \(name)") else {
                throw StoreError.noSuchAmazonAccount(name)
            }
            return AmazonAccount(row: row)
        }
    }

    /// Forgets an account's credentials; the reports fetched with it stay.
    public func removeAmazonAccount(named name: String) async throws {
        try await engine.write { db in
            try db.execute(literal: "DELETE FROM amazon_accounts WHERE name = \(name)")
            guard db.changesCount > 0 else { throw StoreError.noSuchAmazonAccount(name) }
        }
    }

    /// Report ids already kept for an account (so that they are not downloaded again).
    public func fetchedReportIDs(account: String) async throws -> Set<String> {
        try await engine.read { db in Set(try String.fetchAll(db, literal: "SELECT report_id FROM fetched_reports WHERE account = \(account)")) }
    }

    /// Keeps a fetched report, once: its new row, or nil when the account already has this report or this
    /// settlement (another fetch, at the same moment or earlier, kept it first).
    @discardableResult
    public func keepFetchedReport(_ report: FetchedReport) async throws -> Int64? {
        try await engine.write { db in
            try db.insertRow("""
                INSERT INTO fetched_reports (account, report_id, document_id, settlement_id, period_start, period_end, marketplace,
                    total_cents, currency, created_time, fetched_at, charset, compressed, bytes, state)
                VALUES (\(report.account), \(report.reportID), \(report.documentID), \(report.settlementID), \(report.periodStart),
                    \(report.periodEnd), \(report.marketplace), \(report.totalCents), \(report.currency), \(report.createdTime),
                    \(report.fetchedAt), \(report.charset),
                    \(report.compressed), \(Data(report.bytes ?? [])), \(FetchedState.fetched.rawValue))
                ON CONFLICT DO NOTHING
                """)
        }
    }

    static let fetchedColumns =
        "id, account, report_id, document_id, settlement_id, period_start, period_end, marketplace, total_cents, currency, created_time, fetched_at, charset, compressed, state, reason, decided_at, user_name"

    /// Fetched reports (without their bytes), newest period first; of one account, or in one state, when given.
    public func fetchedReports(account: String? = nil, state: FetchedState? = nil) async throws -> [FetchedReport] {
        try await engine.read { db in
            var sql = SQL(sql: "SELECT \(Self.fetchedColumns) FROM fetched_reports WHERE 1 = 1")
            if let account { sql += " AND account = \(account)" }
            if let state { sql += " AND state = \(state.rawValue)" }
            sql += " ORDER BY period_end DESC, id DESC"
            return try Row.fetchAll(db, literal: sql).map(FetchedReport.init(row:))
        }
    }

    /// A fetched report with its bytes, by settlement id (the most recently fetched, if two accounts have it).
    public func fetchedReport(settlementID: String) async throws -> FetchedReport? {
        try await engine.read { db in
            try Row.fetchOne(db, literal: "SELECT * FROM fetched_reports WHERE settlement_id = \(settlementID) ORDER BY id DESC LIMIT 1")
                .map(FetchedReport.init(row:))
        }
    }

    /// A fetched report with its bytes, by its row.
    public func fetchedReport(id: Int64) async throws -> FetchedReport? {
        try await engine.read { db in try Row.fetchOne(db, literal: "SELECT * FROM fetched_reports WHERE id = \(id)").map(FetchedReport.init(row:)) }
    }

    /// Records what became of a fetched report. An enqueued one stays enqueued (a later hold cannot undo it).
    public func decideFetchedReport(id: Int64, state: FetchedState, reason: String?, userName: String?, now: Date = Date()) async throws {
        try await engine.write { db in
            try db.execute(literal: """
                UPDATE fetched_reports SET state = \(state.rawValue), reason = \(reason), decided_at = \(now), user_name = \(userName)
                WHERE id = \(id) AND state != \(FetchedState.enqueued.rawValue)
                """)
        }
    }

    /// Held settlements per qblink user (for the support page: counts only).
    public func heldCounts() async throws -> [String: Int] {
        try await engine.read { db in
            let rows = try Row.fetchAll(db, literal: """
                SELECT user_name, COUNT(*) AS n FROM fetched_reports WHERE state = \(FetchedState.held.rawValue) AND user_name IS NOT NULL
                GROUP BY user_name
                """)
            return Dictionary(uniqueKeysWithValues: rows.map { ($0["user_name"] as String, $0["n"] as Int) })
        }
    }

    /// Whether the database holds Amazon secrets (then its file must be readable by qblink's user only).
    public func holdsAmazonSecrets() async throws -> Bool {
        try await engine.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM amazon_accounts") ?? 0 > 0 }
    }
}
