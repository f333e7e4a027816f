// One reservation-shaped write transaction (a conditional UPDATE … RETURNING and a ledger INSERT) and a point read,
// 20,000 times each, on a scratch WAL database with synchronous=FULL, through each SQLite access path Akinai could
// take: SQLiteNIO (under Fluent), SQLKit on SQLiteNIO (Akinai's hand-written SQL before), GRDB (prepared statements,
// but a second copy of SQLite in the process), and Akinai's own connection (prepared statements on the SQLite that
// SQLiteNIO links, run on the calling thread, as SQLiteThread does).
import CSQLiteDirect
import Foundation
import GRDB
import NIOCore
import NIOPosix
import SQLKit
import SQLiteKit
import SQLiteNIO

let count = 20_000
let directory = NSTemporaryDirectory() + "sqlite-access-\(getpid())"
try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: directory) }
let schema = [
    "PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL",
    "CREATE TABLE stock (id INTEGER PRIMARY KEY, on_hand INTEGER, reserved INTEGER)",
    "CREATE TABLE ledger (id INTEGER PRIMARY KEY, stock_id INTEGER, qty INTEGER, ref TEXT)",
    "INSERT INTO stock VALUES (1, 100000000, 0)",
]
let reserve = "UPDATE stock SET reserved = reserved + 1 WHERE id = ?1 AND on_hand - reserved >= 1 RETURNING reserved"
let record = "INSERT INTO ledger (stock_id, qty, ref) VALUES (?1, ?2, ?3)"
let read = "SELECT on_hand, reserved FROM stock WHERE id = ?1"

func report(_ path: String, writes: TimeInterval, reads: TimeInterval) {
    let figures = String(
        format: "%7.0f reservations/s  %7.1f µs a point read",
        Double(count) / writes,
        reads / Double(count) * 1e6
    )
    print(path.padding(toLength: 34, withPad: " ", startingAt: 0) + figures)
}

func timed(_ body: () async throws -> Void) async rethrows -> TimeInterval {
    let start = Date()
    try await body()
    return Date().timeIntervalSince(start)
}

let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
let pool = NIOThreadPool(numberOfThreads: 2)
pool.start()

// SQLiteNIO: each statement hops to the thread pool and back.
do {
    let conn = try await SQLiteConnection.open(storage: .file(path: directory + "/nio.sqlite"), threadPool: pool, on: group.any()).get()
    for statement in schema { _ = try await conn.query(statement) }
    let writes = try await timed {
        for index in 0..<count {
            _ = try await conn.query("BEGIN IMMEDIATE")
            let rows = try await conn.query(reserve, [.integer(1)])
            precondition(!rows.isEmpty)
            _ = try await conn.query(record, [.integer(1), .integer(1), .text("r\(index)")])
            _ = try await conn.query("COMMIT")
        }
    }
    let reads = try await timed { for _ in 0..<count { _ = try await conn.query(read, [.integer(1)]) } }
    report("SQLiteNIO", writes: writes, reads: reads)

    // SQLKit on the same connection: the statement is built and serialised, its binds encoded, its rows decoded.
    let sql = conn.sql()
    let sqlWrites = try await timed {
        for index in 0..<count {
            try await sql.raw("BEGIN IMMEDIATE").run()
            let row = try await sql.raw("UPDATE stock SET reserved = reserved + 1 WHERE id = \(bind: 1) AND on_hand - reserved >= 1 RETURNING reserved").first()
            precondition(row != nil)
            try await sql.raw("INSERT INTO ledger (stock_id, qty, ref) VALUES (\(bind: 1), \(bind: 1), \(bind: "r\(index)"))").run()
            try await sql.raw("COMMIT").run()
        }
    }
    let sqlReads = try await timed {
        for _ in 0..<count {
            let row = try await sql.raw("SELECT on_hand, reserved FROM stock WHERE id = \(bind: 1)").first()
            _ = try row?.decode(column: "on_hand", as: Int.self)
        }
    }
    report("SQLKit on SQLiteNIO", writes: sqlWrites, reads: sqlReads)
    try await conn.close()
}

// GRDB: prepared statements cached, the transaction run on the calling thread.
do {
    let queue = try DatabaseQueue(path: directory + "/grdb.sqlite")
    try await queue.writeWithoutTransaction { db in for statement in schema { try db.execute(sql: statement) } }
    let writes = try timedSync {
        for index in 0..<count {
            try queue.write { db in
                let row = try Row.fetchOne(db, sql: reserve, arguments: [1])
                precondition(row != nil)
                try db.execute(sql: record, arguments: [1, 1, "r\(index)"])
            }
        }
    }
    let reads = try timedSync {
        try queue.read { db in
            for _ in 0..<count { _ = try Row.fetchOne(db, sql: read, arguments: [1]) }
        }
    }
    report("GRDB (a second SQLite)", writes: writes, reads: reads)
}

// Akinai's own connection: prepared statements on SQLiteNIO's SQLite, run where the caller is (SQLiteThread).
do {
    var handle: OpaquePointer?
    let flags = AKINAI_SQLITE_OPEN_READWRITE | AKINAI_SQLITE_OPEN_CREATE | AKINAI_SQLITE_OPEN_NOMUTEX
    precondition(sqlite_nio_sqlite3_open_v2(directory + "/own.sqlite", &handle, flags, nil) == AKINAI_SQLITE_OK)
    let db = handle!
    precondition(akinai_sqlite_enable_qpsg(db) == AKINAI_SQLITE_OK)
    for statement in schema { precondition(sqlite_nio_sqlite3_exec(db, statement, nil, nil, nil) == AKINAI_SQLITE_OK) }
    func prepare(_ sql: String) -> OpaquePointer {
        var statement: OpaquePointer?
        precondition(sqlite_nio_sqlite3_prepare_v3(db, sql, -1, UInt32(AKINAI_SQLITE_PREPARE_PERSISTENT), &statement, nil) == AKINAI_SQLITE_OK)
        return statement!
    }
    let (begin, commit, update, insert, select) = (
        prepare("BEGIN IMMEDIATE"), prepare("COMMIT"), prepare(reserve), prepare(record), prepare(read)
    )
    func step(_ statement: OpaquePointer) -> Int32 {
        let status = sqlite_nio_sqlite3_step(statement)
        sqlite_nio_sqlite3_reset(statement)
        return status
    }
    let writes = timedSync {
        for index in 0..<count {
            precondition(step(begin) == AKINAI_SQLITE_DONE)
            sqlite_nio_sqlite3_bind_int64(update, 1, 1)
            precondition(sqlite_nio_sqlite3_step(update) == AKINAI_SQLITE_ROW)
            sqlite_nio_sqlite3_reset(update)
            sqlite_nio_sqlite3_bind_int64(insert, 1, 1)
            sqlite_nio_sqlite3_bind_int64(insert, 2, 1)
            let ref = "r\(index)"
            _ = ref.withCString { akinai_sqlite_bind_text(insert, 3, $0, Int32(ref.utf8.count)) }
            precondition(step(insert) == AKINAI_SQLITE_DONE)
            precondition(step(commit) == AKINAI_SQLITE_DONE)
        }
    }
    let reads = timedSync {
        for _ in 0..<count {
            sqlite_nio_sqlite3_bind_int64(select, 1, 1)
            precondition(sqlite_nio_sqlite3_step(select) == AKINAI_SQLITE_ROW)
            _ = sqlite_nio_sqlite3_column_int64(select, 0)
            sqlite_nio_sqlite3_reset(select)
        }
    }
    report("Akinai's own (SQLiteNIO's SQLite)", writes: writes, reads: reads)
    for statement in [begin, commit, update, insert, select] { sqlite_nio_sqlite3_finalize(statement) }
    sqlite_nio_sqlite3_close_v2(db)
}

func timedSync(_ body: () throws -> Void) rethrows -> TimeInterval {
    let start = Date()
    try body()
    return Date().timeIntervalSince(start)
}

try await pool.shutdownGracefully()
try await group.shutdownGracefully()
