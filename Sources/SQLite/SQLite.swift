// A small safe wrapper over SQLite's C API: one connection, prepared statements, typed errors.
// It knows nothing of Trawl.
//
// Design: a `Database` owns its connection and is used by one thread at a time (callers that
// share it serialise access themselves); a `Statement` is prepared once and reused; every return
// code goes through `check`, which carries SQLite's own message.
internal import CSQLite

public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    public let code: Int32
    public let message: String
    public let operation: String
    public var description: String { "\(operation): \(message)" }

    /// The database file is damaged: malformed (SQLITE_CORRUPT) or not a database at all
    /// (SQLITE_NOTADB).
    public var isDamage: Bool { code & 0xFF == SQLITE_CORRUPT || code & 0xFF == SQLITE_NOTADB }
}

/// A value bound to or read from a statement.
public enum SQLiteValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

public final class Database {
    let handle: OpaquePointer

    /// Opens (creating if needed) the database at `path`, which must not be a symbolic link.
    /// - Throws: `SQLiteError` when the file cannot be opened, is a link, or is not a database.
    public init(path: String) throws(SQLiteError) {
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_NOFOLLOW, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            if let db { sqlite3_close_v2(db) }
            throw SQLiteError(code: rc, message: message, operation: "open \(path)")
        }
        handle = db
        sqlite3_busy_timeout(db, 5000)
    }

    deinit { sqlite3_close_v2(handle) }

    /// Runs one or more statements that return no rows.
    public func execute(_ sql: String) throws(SQLiteError) {
        var error: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &error)
        if rc != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(error)
            throw SQLiteError(code: rc, message: message, operation: "execute")
        }
    }

    public func prepare(_ sql: String) throws(SQLiteError) -> Statement {
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v2(handle, sql, -1, &stmt, nil)
        guard rc == SQLITE_OK, let stmt else { throw error(rc, "prepare") }
        return Statement(handle: stmt, database: self)
    }

    func error(_ rc: Int32, _ operation: String) -> SQLiteError {
        SQLiteError(code: rc, message: String(cString: sqlite3_errmsg(handle)), operation: operation)
    }
}

public final class Statement {
    let handle: OpaquePointer
    let database: Database

    init(handle: OpaquePointer, database: Database) {
        self.handle = handle
        self.database = database
    }

    deinit { sqlite3_finalize(handle) }

    /// Binds one blob parameter, steps to the first row and calls `body` with it (no row: nil).
    /// For hot point lookups: nothing is allocated but what `body` takes.
    public func withFirstRow<R>(blob: [UInt8], _ body: (Row?) -> R) throws(SQLiteError) -> R {
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        let rc = blob.withUnsafeBytes { sqlite3_bind_blob(handle, 1, $0.baseAddress, Int32($0.count), nil) }
        guard rc == SQLITE_OK else { throw database.error(rc, "bind") }
        let step = sqlite3_step(handle)
        if step == SQLITE_DONE { return body(nil) }
        guard step == SQLITE_ROW else { throw database.error(step, "step") }
        return body(Row(handle: handle))
    }

    /// Binds `blobs` to the parameters (1-based, in order) and calls `body` with each row until
    /// it returns false or the rows end. The statement is reset afterwards.
    public func forEachRow(blobs: [[UInt8]], _ body: (Row) -> Bool) throws(SQLiteError) {
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        for (i, blob) in blobs.enumerated() {
            let rc = blob.withUnsafeBytes { sqlite3_bind_blob(handle, Int32(i + 1), $0.baseAddress, Int32($0.count), trawl_sqlite_transient()) }
            guard rc == SQLITE_OK else { throw database.error(rc, "bind") }
        }
        while true {
            let step = sqlite3_step(handle)
            if step == SQLITE_DONE { return }
            guard step == SQLITE_ROW else { throw database.error(step, "step") }
            if !body(Row(handle: handle)) { return }
        }
    }

    /// Runs the statement with `values` bound to its parameters (1-based, in order) and returns
    /// every row. The statement is reset afterwards and can be run again.
    @discardableResult
    public func run(_ values: [SQLiteValue] = []) throws(SQLiteError) -> [[SQLiteValue]] {
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        for (i, v) in values.enumerated() {
            let index = Int32(i + 1)
            let rc: Int32
            switch v {
            case .null: rc = sqlite3_bind_null(handle, index)
            case .integer(let n): rc = sqlite3_bind_int64(handle, index, n)
            case .real(let d): rc = sqlite3_bind_double(handle, index, d)
            case .text(let s): rc = sqlite3_bind_text(handle, index, s, -1, trawl_sqlite_transient())
            case .blob(let b): rc = b.withUnsafeBytes { sqlite3_bind_blob(handle, index, $0.baseAddress, Int32($0.count), trawl_sqlite_transient()) }
            }
            guard rc == SQLITE_OK else { throw database.error(rc, "bind") }
        }
        var rows: [[SQLiteValue]] = []
        while true {
            let rc = sqlite3_step(handle)
            if rc == SQLITE_DONE { return rows }
            guard rc == SQLITE_ROW else { throw database.error(rc, "step") }
            let columns = sqlite3_column_count(handle)
            var row: [SQLiteValue] = []
            row.reserveCapacity(Int(columns))
            for c in 0..<columns {
                switch sqlite3_column_type(handle, c) {
                case SQLITE_INTEGER: row.append(.integer(sqlite3_column_int64(handle, c)))
                case SQLITE_FLOAT: row.append(.real(sqlite3_column_double(handle, c)))
                case SQLITE_TEXT: row.append(.text(String(cString: sqlite3_column_text(handle, c))))
                case SQLITE_BLOB:
                    let n = Int(sqlite3_column_bytes(handle, c))
                    if n == 0 { row.append(.blob([])); break }
                    let p = sqlite3_column_blob(handle, c)!
                    row.append(.blob(Array(UnsafeRawBufferPointer(start: p, count: n))))
                default: row.append(.null)
                }
            }
            rows.append(row)
        }
    }
}

/// The current row of a statement, valid only inside `Statement.withFirstRow` or `forEachRow`.
public struct Row {
    let handle: OpaquePointer

    public func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }
    public func double(_ column: Int32) -> Double { sqlite3_column_double(handle, column) }

    public func blob(_ column: Int32) -> [UInt8] {
        withBlob(column) { Array($0) }
    }

    /// The column's bytes in place, valid only inside `body` (a check can look at them before
    /// anything is copied).
    public func withBlob<R>(_ column: Int32, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        let n = Int(sqlite3_column_bytes(handle, column))
        guard n > 0, let p = sqlite3_column_blob(handle, column) else { return body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        return body(UnsafeRawBufferPointer(start: p, count: n))
    }
}
