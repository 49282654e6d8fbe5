import GRDB

/// Versioned migrations. Never edit a shipped migration: add a new one.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: users, queue, sessions, exchanges") { db in
            try db.execute(sql: """
                CREATE TABLE meta (
                    key TEXT PRIMARY KEY NOT NULL,
                    value TEXT NOT NULL
                );
                CREATE TABLE users (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
                    password_hash TEXT NOT NULL,
                    company_file TEXT NOT NULL DEFAULT '',
                    file_id TEXT NOT NULL,
                    created_at DATETIME NOT NULL
                );
                CREATE TABLE auth_failures (
                    name TEXT PRIMARY KEY NOT NULL COLLATE NOCASE,
                    count INTEGER NOT NULL,
                    last_at DATETIME NOT NULL
                );
                CREATE TABLE sessions (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    ticket TEXT NOT NULL UNIQUE,
                    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    state TEXT NOT NULL,
                    awaiting_response INTEGER NOT NULL DEFAULT 0,
                    started_at DATETIME NOT NULL,
                    last_seen_at DATETIME NOT NULL,
                    ended_at DATETIME,
                    company_file TEXT,
                    qbxml_version TEXT,
                    country TEXT,
                    product_name TEXT,
                    done_count INTEGER NOT NULL DEFAULT 0,
                    failed_count INTEGER NOT NULL DEFAULT 0,
                    in_doubt_count INTEGER NOT NULL DEFAULT 0,
                    last_error TEXT
                );
                CREATE INDEX sessions_user ON sessions(user_id, state);
                CREATE TABLE queue (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    type TEXT NOT NULL,
                    body TEXT NOT NULL,
                    ref_number TEXT,
                    lookup_body TEXT,
                    min_version TEXT,
                    source TEXT,
                    state TEXT NOT NULL,
                    solo INTEGER NOT NULL DEFAULT 0,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    session_id INTEGER REFERENCES sessions(id) ON DELETE SET NULL,
                    lookup_session_id INTEGER REFERENCES sessions(id) ON DELETE SET NULL,
                    created_at DATETIME NOT NULL,
                    updated_at DATETIME NOT NULL,
                    sent_at DATETIME,
                    txn_id TEXT,
                    list_id TEXT,
                    status_code INTEGER,
                    status_severity TEXT,
                    status_message TEXT,
                    response TEXT
                );
                CREATE INDEX queue_user_state ON queue(user_id, state, id);
                CREATE INDEX queue_session ON queue(session_id, state);
                CREATE TABLE exchanges (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    at DATETIME NOT NULL,
                    method TEXT NOT NULL,
                    ticket TEXT,
                    user_name TEXT,
                    session_id INTEGER REFERENCES sessions(id) ON DELETE SET NULL,
                    duration_ms REAL NOT NULL,
                    http_status INTEGER NOT NULL,
                    request_body TEXT NOT NULL,
                    response_body TEXT NOT NULL
                );
                CREATE INDEX exchanges_session ON exchanges(session_id, id);
                """)
        }
        migrator.registerMigration("v2: prerequisites, list lookups, settlements") { db in
            try db.execute(sql: """
                CREATE TABLE settlements (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    settlement_id TEXT NOT NULL,
                    source TEXT,
                    total_cents INTEGER NOT NULL,
                    currency TEXT,
                    period TEXT,
                    enqueued_at DATETIME NOT NULL,
                    replaced_at DATETIME,
                    UNIQUE (user_id, settlement_id)
                );
                ALTER TABLE queue ADD COLUMN add_body TEXT;
                ALTER TABLE queue ADD COLUMN ensure_key TEXT;
                ALTER TABLE queue ADD COLUMN ensure_policy TEXT;
                ALTER TABLE queue ADD COLUMN label TEXT;
                ALTER TABLE queue ADD COLUMN settlement_row INTEGER REFERENCES settlements(id) ON DELETE SET NULL;
                CREATE INDEX queue_ensure ON queue(user_id, ensure_key, state);
                CREATE INDEX queue_settlement ON queue(settlement_row);
                CREATE TABLE prerequisites (
                    item_id INTEGER NOT NULL REFERENCES queue(id) ON DELETE CASCADE,
                    prerequisite_id INTEGER NOT NULL REFERENCES queue(id) ON DELETE CASCADE,
                    PRIMARY KEY (item_id, prerequisite_id)
                );
                CREATE INDEX prerequisites_reverse ON prerequisites(prerequisite_id);
                """)
        }
        migrator.registerMigration("v3: plan keys") { db in
            // Every planned item keeps what it stands for (`Customer:amazon summary`, `Invoice:INV-1`), so
            // that TxnID placeholders name it rather than a queue id; list lookups are marked by `ensures`
            // (a missing element is added when `add_body` is set, refused when it is not).
            try db.execute(sql: """
                ALTER TABLE queue ADD COLUMN plan_key TEXT;
                ALTER TABLE queue ADD COLUMN ensures INTEGER NOT NULL DEFAULT 0;
                UPDATE queue SET plan_key = ensure_key, ensures = 1 WHERE ensure_key IS NOT NULL;
                UPDATE queue SET add_body = NULL WHERE ensure_policy = 'fail';
                UPDATE queue SET plan_key = substr(type, 1, length(type) - 3) || ':' || ref_number
                  WHERE ensure_key IS NULL AND ref_number IS NOT NULL
                    AND type IN ('SalesReceiptAdd', 'InvoiceAdd', 'CreditMemoAdd', 'ReceivePaymentAdd');
                DROP INDEX queue_ensure;
                ALTER TABLE queue DROP COLUMN ensure_key;
                ALTER TABLE queue DROP COLUMN ensure_policy;
                CREATE INDEX queue_plan_key ON queue(user_id, plan_key, state);
                CREATE INDEX queue_ref_number ON queue(user_id, ref_number);
                """)
        }
        migrator.registerMigration("v4: posting modes and undo") { db in
            // How each settlement was posted, and its undo: the undo's requests (deletions, reversing transfers)
            // name the item they take back out (`undoes`); an item the undo withdrew before its response came is
            // never sent again (`withdrawn`): if QuickBooks turns out not to have it, it is cancelled.
            try db.execute(sql: """
                ALTER TABLE settlements ADD COLUMN mode TEXT;
                ALTER TABLE settlements ADD COLUMN group_mode TEXT;
                ALTER TABLE settlements ADD COLUMN undo_requested_at DATETIME;
                ALTER TABLE settlements ADD COLUMN undone_count INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE queue ADD COLUMN undoes INTEGER REFERENCES queue(id) ON DELETE SET NULL;
                ALTER TABLE queue ADD COLUMN withdrawn INTEGER NOT NULL DEFAULT 0;
                CREATE INDEX queue_undoes ON queue(undoes);
                """)
        }
        migrator.registerMigration("v5: indexes for background pruning") { db in
            // Pruning the exchange log and old login failures walks these instead of the whole table.
            try db.execute(sql: """
                CREATE INDEX exchanges_at ON exchanges(at);
                CREATE INDEX auth_failures_last_at ON auth_failures(last_at);
                """)
        }
        migrator.registerMigration("v6: index for expiring idle sessions") { db in
            // Every new session and every housekeeping round looks for active sessions idle too long: along this
            // index, not through every session ever held.
            try db.execute(sql: "CREATE INDEX sessions_active ON sessions(state, last_seen_at)")
        }
        migrator.registerMigration("v7: the exchange log's size") { db in
            // The bytes of body text the log holds, kept up to date by every insert and prune, so that bounding
            // the log by size never has to add it up again.
            try db.execute(sql: """
                CREATE TABLE log_totals (id INTEGER PRIMARY KEY CHECK (id = 1), bytes INTEGER NOT NULL);
                INSERT INTO log_totals (id, bytes)
                  SELECT 1, COALESCE(SUM(length(CAST(request_body AS BLOB)) + length(CAST(response_body AS BLOB))), 0) FROM exchanges;
                """)
        }
        migrator.registerMigration("v8: purged items") { db in
            // `qblink queue purge` empties the qbXML of old done items and says when; the index finds the
            // candidates by state and age.
            try db.execute(sql: """
                ALTER TABLE queue ADD COLUMN purged_at DATETIME;
                CREATE INDEX queue_state_updated ON queue(state, updated_at);
                """)
        }
        migrator.registerMigration("v9: Amazon accounts and fetched reports") { db in
            // An Amazon seller account's app credentials (secrets: the database file must be readable by qblink's
            // user only), and each settlement report fetched, kept as it came, with what became of it: fetched,
            // held (with the reason), or enqueued. Reports outlive their account's removal.
            try db.execute(sql: """
                CREATE TABLE amazon_accounts (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
                    region TEXT NOT NULL,
                    client_id TEXT NOT NULL,
                    client_secret TEXT NOT NULL,
                    refresh_token TEXT NOT NULL,
                    endpoint TEXT NOT NULL,
                    token_url TEXT NOT NULL,
                    created_at DATETIME NOT NULL
                );
                CREATE TABLE fetched_reports (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    account TEXT NOT NULL COLLATE NOCASE,
                    report_id TEXT NOT NULL,
                    document_id TEXT NOT NULL,
                    settlement_id TEXT NOT NULL,
                    period_start TEXT,
                    period_end TEXT,
                    marketplace TEXT,
                    total_cents INTEGER,
                    currency TEXT,
                    created_time TEXT,
                    fetched_at DATETIME NOT NULL,
                    charset TEXT,
                    compressed INTEGER NOT NULL DEFAULT 0,
                    bytes BLOB NOT NULL,
                    state TEXT NOT NULL,
                    reason TEXT,
                    decided_at DATETIME,
                    user_name TEXT,
                    UNIQUE (account, report_id),
                    UNIQUE (account, settlement_id)
                );
                CREATE INDEX fetched_reports_settlement ON fetched_reports(settlement_id);
                """)
        }
        migrator.registerMigration("v10: the web console") { db in
            // Console accounts (apart from Web Connector users), their sessions (only a hash of each cookie's
            // token is stored, with the session's CSRF token and expiry), and every action taken from the console.
            try db.execute(sql: """
                CREATE TABLE console_users (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
                    password_hash TEXT NOT NULL,
                    created_at DATETIME NOT NULL
                );
                CREATE TABLE console_sessions (
                    token_hash TEXT PRIMARY KEY,
                    user_name TEXT NOT NULL,
                    csrf TEXT NOT NULL,
                    created_at DATETIME NOT NULL,
                    expires_at DATETIME NOT NULL
                );
                CREATE INDEX console_sessions_expiry ON console_sessions(expires_at);
                CREATE TABLE console_actions (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    at DATETIME NOT NULL,
                    user_name TEXT NOT NULL,
                    action TEXT NOT NULL,
                    target TEXT NOT NULL,
                    detail TEXT
                );
                """)
        }
        migrator.registerMigration("v11: settlement payout split") { db in
            // What each payout was made of (sales, fees, refunds, the rest), for the console's picture.
            try db.execute(sql: """
                ALTER TABLE settlements ADD COLUMN sales_cents INTEGER;
                ALTER TABLE settlements ADD COLUMN fees_cents INTEGER;
                ALTER TABLE settlements ADD COLUMN refunds_cents INTEGER;
                ALTER TABLE settlements ADD COLUMN other_cents INTEGER;
                """)
        }
        return migrator
    }
}
