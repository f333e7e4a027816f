import FluentKit
import Foundation
import SQLKit

/// Runs database transactions the way each engine needs.
///
/// PostgreSQL: an ordinary transaction; rows are locked with `FOR NO KEY UPDATE` where order matters.
/// SQLite: one writer at a time. Transactions begin with `BEGIN IMMEDIATE`, so the write lock is taken up front
/// (a deferred transaction that reads, then writes, fails with SQLITE_BUSY when another connection wrote in
/// between), and an in-process gate queues them so connections of this process never spin on each other.
/// A transaction opened inside another joins it.
struct Transactor: Sendable {
    let isSQLite: Bool
    let gate: AsyncGate
    /// SQLite's `synchronous` setting for write transactions: `FULL` (default; a commit survives a power cut)
    /// or `NORMAL` (in WAL mode a commit survives a crash of Akinai or of the OS process, but the last ones
    /// may be lost if the machine loses power; several times faster).
    let sqliteSynchronous: String

    /// SQLite's writer for transactions of hand-written statements (`statements`); nil on PostgreSQL.
    let writer: SQLiteThread?
    /// SQLite's readers for the hot reads (`reads`); nil on PostgreSQL.
    let readers: SQLiteReaders?

    init(
        isSQLite: Bool,
        sqliteSynchronous: String = "FULL",
        writer: SQLiteThread? = nil,
        readers: SQLiteReaders? = nil
    ) {
        self.isSQLite = isSQLite
        // The writer's batches and Fluent's transactions take the same gate: one writer at a time.
        self.gate = writer?.gate ?? AsyncGate()
        self.sqliteSynchronous = sqliteSynchronous == "NORMAL" ? "NORMAL" : "FULL"
        self.writer = writer
        self.readers = readers
    }

    /// Runs `body`, which reads with hand-written statements only: on SQLite on a reader's thread, on one snapshot
    /// (one hop for all its statements); on PostgreSQL on the database as it is, each statement seeing what was
    /// committed when it began. Inside an open transaction it reads in that one, so it sees what the transaction
    /// wrote.
    func reads<T: Sendable>(
        on db: any Database,
        _ body: @escaping @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        if let joined = Self.joined { return try await body(joined) }
        // Writing inside a read is refused alike on both engines (SQLite's reader could not write anyway).
        guard isSQLite, let readers else {
            return try await Self.$reading.withValue(true) { try await body(try Self.sql(db)) }
        }
        // A read nested in this one joins it (it would otherwise wait for this reader behind itself).
        return try await readers.read(Self.carried(body, reading: true))
    }

    /// Whether the current task is inside a read (`reads`), where no transaction may begin.
    @TaskLocal static var reading = false

    /// The database of the transaction the current task is inside, if any.
    @TaskLocal static var current: (any Database)?
    /// The transaction of statements or the read the current task is inside, if any.
    @TaskLocal static var currentStatements: (any SQLDatabase)?

    /// Runs `body`, which makes hand-written statements only, in one transaction: on SQLite on the writer's thread
    /// (one hop for the whole transaction instead of two for each statement), on PostgreSQL as any other. Inside an
    /// open transaction it joins that one.
    func statements<T: Sendable>(
        on db: any Database,
        _ body: @escaping @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        guard !Self.reading else { throw StatementsOnly() }
        if let joined = Self.joined { return try await body(joined) }
        guard isSQLite, let writer else {
            return try await run(on: db) { tx in
                let sql = try Self.sql(tx)
                return try await Self.$currentStatements.withValue(sql) { try await body(sql) }
            }
        }
        return try await writer.transaction(Self.carried(body))
    }

    /// The transaction the current task is inside, if any, as SQL.
    private static var joined: (any SQLDatabase)? {
        if let currentStatements { return currentStatements }
        // tenancy: the transaction runner itself
        return current as? any SQLDatabase
    }

    private static func sql(_ db: any Database) throws -> any SQLDatabase {
        // tenancy: the transaction runner itself
        guard let sql = db as? any SQLDatabase else { throw StatementsOnly() }
        return sql
    }

    /// `body` for a task of SQLite's own connections: the caller's work tag carried across, and statements or reads
    /// nested in it joining its transaction.
    private static func carried<T: Sendable>(
        _ body: @escaping @Sendable (any SQLDatabase) async throws -> T,
        reading: Bool = false
    ) -> @Sendable (any SQLDatabase) async throws -> T {
        let tag = WorkTag.current
        return { sql in
            try await WorkTag.$current.withValue(tag) {
                try await $reading.withValue(reading) {
                    try await $currentStatements.withValue(sql) { try await body(sql) }
                }
            }
        }
    }

    /// Runs `body` in a transaction on `db`, or inside the enclosing one.
    func run<T: Sendable>(
        on db: any Database,
        _ body: @escaping @Sendable (any Database) async throws -> T
    ) async throws -> T {
        // Inside a transaction of statements or a read, Fluent's connections would wait for SQLite's own connection
        // or read around it: refused loudly, on both engines alike.
        guard Self.currentStatements == nil, !Self.reading else { throw StatementsOnly() }
        if let current = Self.current { return try await body(current) }
        let tag = WorkTag.current
        if !isSQLite {
            return try await db.transaction { tx in
                try await WorkTag.$current.withValue(tag) {
                    try await Self.$current.withValue(tx) { try await body(tx) }
                }
            }
        }
        return try await gate.withLock {
            try await db.withConnection { conn in
                try await WorkTag.$current.withValue(tag) { try await sqliteTransaction(on: conn, body) }
            }
        }
    }

    /// SQLite: the body between `BEGIN IMMEDIATE` and `COMMIT` on one connection, rolled back if it throws.
    private func sqliteTransaction<T: Sendable>(
        on conn: any Database,
        _ body: @escaping @Sendable (any Database) async throws -> T
    ) async throws -> T {
        // tenancy: the transaction runner itself
        guard let sql = conn as? any SQLDatabase else { fatalError("SQLite driver is an SQLDatabase") }
        // FULL is SQLite's default; NORMAL belongs to the connection, so it is set on each use.
        if sqliteSynchronous != "FULL" {
            try await sql.raw("PRAGMA synchronous = \(unsafeRaw: sqliteSynchronous)").run()
        }
        try await sql.raw("BEGIN IMMEDIATE").run()
        do {
            let result = try await Self.$current.withValue(conn) { try await body(conn) }
            try await sql.raw("COMMIT").run()
            return result
        } catch {
            try? await sql.raw("ROLLBACK").run()
            throw error
        }
    }
}

/// A Fluent transaction asked for inside a transaction of hand-written statements or a read (or a database that
/// speaks no SQL): a programming error, refused instead of deadlocking.
struct StatementsOnly: Error {}

/// A FIFO async mutex.
actor AsyncGate {
    private var locked = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func acquire() async {
        if !locked {
            locked = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        if waiters.isEmpty {
            locked = false
        } else {
            waiters.removeFirst().resume()
        }
    }

    nonisolated func withLock<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await acquire()
        do {
            let result = try await body()
            await release()
            return result
        } catch {
            await release()
            throw error
        }
    }
}
