import CSQLiteDirect
import FluentKit
import Foundation
import Logging
import NIOCore
import SQLKit
import SQLiteKit
import Synchronization
import Vapor

/// A connection of Akinai's own to the SQLite file, with a thread of its own, for the hot paths: the writer runs the
/// transactions of hand-written statements that carry the hot writes (reserving, settling), and readers run the
/// hot reads (authenticating a request, showing a SKU or its stock). A task hops to the thread once for the whole
/// transaction (the thread is its preferred executor meanwhile), and every statement then runs on the spot from a
/// cache of prepared statements. Through SQLiteNIO each statement would hop to a thread pool and back (about 70 µs
/// on two cores, against about 10 µs here), and a reservation is about ten statements.
///
/// It goes through the same SQLite library as the rest of Akinai (see `CSQLiteDirect`). The writer takes the same
/// in-process gate as every other SQLite transaction (`Transactor`) and begins with `BEGIN IMMEDIATE`, so it is one
/// writer among the others, never beside them; a reader opens the file read-only and reads one snapshot per
/// transaction (WAL lets it read while the writer writes). Statements are logged at trace as "Executing query", as
/// the driver's are.
final class SQLiteThread: TaskExecutor, @unchecked Sendable {
    let logger: Logger
    /// Only for the `SQLDatabase` protocol; nothing is scheduled on it.
    let eventLoop: any EventLoop

    // The job queue, guarded by `condition`.
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var stopping = false
    private var stopped = false

    // Touched only on the connection's thread once it runs.
    private var handle: OpaquePointer?
    private var cache: [String: Prepared] = [:]
    private var synchronous = "FULL"
    /// Whether a batch's `BEGIN IMMEDIATE` is open.
    private var batchOpen = false
    private nonisolated(unsafe) var thread: pthread_t?

    private struct Prepared {
        let statement: OpaquePointer
        let columns: [String]
    }

    /// The writer, or a reader that cannot write.
    enum Role: Sendable {
        /// Its batches take `gate` (SQLite's in-process writer gate, shared with Fluent's transactions) and commit
        /// with `synchronous` (`FULL` or `NORMAL`).
        case writer(gate: AsyncGate, synchronous: String)
        case reader
    }
    let role: Role

    /// The writer's gate; nil for a reader.
    var gate: AsyncGate? {
        if case .writer(let gate, _) = role { return gate }
        return nil
    }

    /// Opens the database file (it must exist: migrations have run) and starts the thread.
    init(path: String, role: Role, logger: Logger, eventLoop: any EventLoop) throws {
        self.role = role
        self.logger = logger
        self.eventLoop = eventLoop
        var db: OpaquePointer?
        let access = gate != nil ? AKINAI_SQLITE_OPEN_READWRITE : AKINAI_SQLITE_OPEN_READONLY
        let flags = access | AKINAI_SQLITE_OPEN_NOMUTEX | AKINAI_SQLITE_OPEN_EXRESCODE
        let opened = sqlite_nio_sqlite3_open_v2(path, &db, flags, nil)
        guard opened == AKINAI_SQLITE_OK, let db else {
            if let db { sqlite_nio_sqlite3_close_v2(db) }
            throw SQLiteThreadError(code: opened, message: "cannot open \(path)")
        }
        handle = db
        // Another connection may hold the write lock for a moment (a single statement outside a transaction).
        sqlite_nio_sqlite3_busy_timeout(db, 60_000)
        guard akinai_sqlite_enable_qpsg(db) == AKINAI_SQLITE_OK,
            sqlite_nio_sqlite3_exec(db, "PRAGMA foreign_keys = ON", nil, nil, nil) == AKINAI_SQLITE_OK,
            // 64 MiB of page cache per connection instead of SQLite's 2 MiB: a shop's hot indexes stay in memory
            // instead of being read again from the file by every statement.
            sqlite_nio_sqlite3_exec(db, "PRAGMA cache_size = -65536", nil, nil, nil) == AKINAI_SQLITE_OK,
            // Savepoints (one per transaction of a batch) keep their undo journal in memory, not in a temporary file
            // opened and removed for each.
            sqlite_nio_sqlite3_exec(db, "PRAGMA temp_store = MEMORY", nil, nil, nil) == AKINAI_SQLITE_OK
        else {
            let code = sqlite_nio_sqlite3_extended_errcode(db)
            sqlite_nio_sqlite3_close_v2(db)
            handle = nil
            throw SQLiteThreadError(code: code, message: "configuring the connection")
        }
        let started = Thread { [unowned self] in self.loop() }
        started.name = gate != nil ? "akinai-sqlite-writer" : "akinai-sqlite-reader"
        started.start()
        condition.lock()
        while thread == nil { condition.wait() }
        condition.unlock()
    }

    // MARK: The thread

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        guard !stopped else {
            condition.unlock()
            // The thread is gone: hand the job to the global executor rather than drop it, so its task goes on (a
            // statement it makes fails, being off the thread) instead of waiting for ever.
            globalConcurrentExecutor.enqueue(ExecutorJob(job))
            return
        }
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func loop() {
        condition.lock()
        thread = pthread_self()
        condition.broadcast()
        condition.unlock()
        while true {
            condition.lock()
            while jobs.isEmpty && !stopping { condition.wait() }
            if jobs.isEmpty {
                stopped = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }

    private var onThread: Bool {
        guard let thread else { return false }
        return pthread_equal(thread, pthread_self()) != 0
    }

    /// Refuses new transactions, waits for those queued or running to finish, then stops the thread and closes
    /// the connection.
    func shutdown() async {
        items.withLock { closed = true }
        // At most 30 s: a transaction that never ends must not keep the process from stopping.
        let deadline = ContinuousClock.now + .seconds(30)
        while items.withLock({ running }), ContinuousClock.now < deadline, !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(5))
        }
        stopThread()
    }

    /// Stops the thread once its queued jobs ran (a moment: no transaction is left), and closes the connection.
    private func stopThread() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while !stopped { condition.wait() }
        condition.unlock()
        for prepared in cache.values { sqlite_nio_sqlite3_finalize(prepared.statement) }
        cache = [:]
        if let handle { sqlite_nio_sqlite3_close_v2(handle) }
        handle = nil
    }

    // MARK: Transactions

    /// A transaction waiting for the connection.
    private struct Item: Sendable {
        let body: @Sendable (any SQLDatabase) async throws -> any Sendable
        let finish: @Sendable (Result<any Sendable, any Error>) -> Void
    }

    private let items = NSLock()
    private var waiting: [Item] = []
    private var running = false
    private var closed = false
    /// Transactions committed together at most; a batch holds the write lock for about 0.2 ms each.
    static let batchLimit = 64

    /// Runs `body` as a transaction on the writer's thread and returns once it is committed.
    ///
    /// Group commit: transactions that arrive while a batch runs wait for the next batch, and a batch commits all
    /// of its transactions at once (one `BEGIN IMMEDIATE … COMMIT`, one sync to disk). Each runs inside a savepoint
    /// of its own, so one that fails is rolled back alone and the others commit; none is acknowledged before the
    /// commit, and if the commit fails, all of them fail.
    func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        guard gate != nil else { throw SQLiteThreadError(code: 8, message: "a reader cannot write") }
        return try await submit(body)
    }

    /// Runs `body` on a reader, in one read transaction (one snapshot of the database).
    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        guard gate == nil else { throw SQLiteThreadError(code: 21, message: "the writer does not serve reads") }
        return try await submit(body)
    }

    /// Queues `body` and returns its result once the batch it is in has run on this thread.
    private func submit<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    {
        let result: any Sendable = try await withCheckedThrowingContinuation { continuation in
            let item = Item(body: { try await body($0) }, finish: { continuation.resume(with: $0) })
            let start = items.withLock { () -> Bool? in
                guard !closed else { return nil }
                waiting.append(item)
                guard !running else { return false }
                running = true
                return true
            }
            guard let start else {
                continuation.resume(throwing: SQLiteThreadError(code: 21, message: "shutting down"))
                return
            }
            if start {
                Task.detached { await self.drain() }
            }
        }
        guard let value = result as? T else { throw SQLiteThreadError(code: 1, message: "result of another type") }
        return value
    }

    /// Runs batches until no transaction waits.
    private func drain() async {
        await withTaskExecutorPreference(self) {
            while true {
                let batch: [Item] = items.withLock {
                    let batch = Array(waiting.prefix(Self.batchLimit))
                    waiting.removeFirst(batch.count)
                    if batch.isEmpty { running = false }
                    return batch
                }
                guard !batch.isEmpty else { return }
                let results = await process(batch)
                for (item, result) in zip(batch, results) { item.finish(result) }
            }
        }
    }

    /// One batch: the writer's in one transaction under the gate, a reader's one read transaction after another.
    private func process(_ batch: [Item]) async -> [Result<any Sendable, any Error>] {
        switch role {
        case .writer(let gate, let synchronous):
            await gate.acquire()
            let results = await commitBatch(batch, synchronous: synchronous)
            await gate.release()
            return results
        case .reader:
            var results: [Result<any Sendable, any Error>] = []
            for item in batch { results.append(await readTransaction(item)) }
            return results
        }
    }

    /// The task runs on its preferred executor from its next suspension on: make sure that is now.
    private func onOwnThread() async throws {
        while !onThread {
            guard !condition.withLock({ stopped }) else {
                throw SQLiteThreadError(code: 21, message: "the connection is closed")
            }
            await Task.yield()
        }
    }

    /// A reader's transaction: `BEGIN` (a snapshot from the first read on), the body, `COMMIT`.
    private func readTransaction(_ item: Item) async -> Result<any Sendable, any Error> {
        do {
            try await onOwnThread()
            try run("BEGIN", [])
            do {
                let value = try await item.body(SQLiteThreadDatabase(connection: self))
                try run("COMMIT", [])
                return .success(value)
            } catch {
                try? run("ROLLBACK", [])
                return .failure(error)
            }
        } catch {
            return .failure(error)
        }
    }

    /// One `BEGIN IMMEDIATE … COMMIT` around the batch, a savepoint around each transaction of it.
    private func commitBatch(_ batch: [Item], synchronous: String) async -> [Result<any Sendable, any Error>] {
        let db = SQLiteThreadDatabase(connection: self)
        do {
            try await onOwnThread()
            if synchronous != self.synchronous {
                try run("PRAGMA synchronous = \(synchronous)", [])
                self.synchronous = synchronous
            }
            try run("BEGIN IMMEDIATE", [])
            batchOpen = true
        } catch {
            return batch.map { _ in .failure(error) }
        }
        defer { batchOpen = false }
        var results: [Result<any Sendable, any Error>] = []
        for item in batch {
            do {
                try run("SAVEPOINT akinai_order", [])
                do {
                    let value = try await item.body(db)
                    try checkInTransaction()
                    try run("RELEASE akinai_order", [])
                    results.append(.success(value))
                } catch {
                    // SQLite may have rolled the whole transaction back itself (disk full, I/O error): then
                    // nothing of the batch stands.
                    try checkInTransaction()
                    try run("ROLLBACK TO akinai_order", [])
                    try run("RELEASE akinai_order", [])
                    results.append(.failure(error))
                }
            } catch {
                // The savepoint itself failed: the batch cannot be trusted; nothing of it commits.
                try? run("ROLLBACK", [])
                return batch.map { _ in .failure(error) }
            }
        }
        do {
            try run("COMMIT", [])
        } catch {
            try? run("ROLLBACK", [])
            return batch.map { _ in .failure(error) }
        }
        return results
    }

    /// Fails when the connection is no longer inside the batch's transaction (SQLite rolled it back on an error).
    private func checkInTransaction() throws {
        guard let handle, sqlite_nio_sqlite3_get_autocommit(handle) == 0 else {
            throw SQLiteThreadError(code: 4, message: "SQLite rolled the transaction back")
        }
    }

    /// Runs one statement, handing each row to `onRow`. Only on the connection's thread, inside a transaction.
    fileprivate func run(_ sql: String, _ binds: [SQLiteData], _ onRow: (any SQLRow) -> Void = { _ in }) throws {
        guard onThread, let handle else {
            throw SQLiteThreadError(code: 21, message: "statement off the connection's thread")
        }
        // Once SQLite has rolled a batch back itself, a statement would commit on its own: refused.
        if batchOpen { try checkInTransaction() }
        logger.trace("Executing query", metadata: ["sql": .string(sql)])
        let prepared = try prepare(sql, on: handle)
        let statement = prepared.statement
        defer {
            sqlite_nio_sqlite3_reset(statement)
            sqlite_nio_sqlite3_clear_bindings(statement)
        }
        for (offset, value) in binds.enumerated() {
            let index = Int32(offset + 1)
            let status: Int32
            switch value {
            case .integer(let int): status = sqlite_nio_sqlite3_bind_int64(statement, index, Int64(int))
            case .float(let double): status = sqlite_nio_sqlite3_bind_double(statement, index, double)
            case .text(let text):
                // The explicit length keeps a NUL inside the text (withCString's buffer holds all of it).
                let count = Int32(text.utf8.count)
                status = text.withCString { akinai_sqlite_bind_text(statement, index, $0, count) }
            case .blob(let buffer):
                status = buffer.withUnsafeReadableBytes {
                    akinai_sqlite_bind_blob(statement, index, $0.baseAddress, Int32($0.count))
                }
            case .null: status = sqlite_nio_sqlite3_bind_null(statement, index)
            }
            guard status == AKINAI_SQLITE_OK else { throw error(handle) }
        }
        while true {
            let step = sqlite_nio_sqlite3_step(statement)
            if step == AKINAI_SQLITE_DONE { return }
            guard step == AKINAI_SQLITE_ROW else { throw error(handle) }
            var values: [SQLiteData] = []
            values.reserveCapacity(prepared.columns.count)
            for column in 0..<Int32(prepared.columns.count) {
                switch sqlite_nio_sqlite3_column_type(statement, column) {
                case AKINAI_SQLITE_INTEGER:
                    values.append(.integer(Int(sqlite_nio_sqlite3_column_int64(statement, column))))
                case AKINAI_SQLITE_FLOAT: values.append(.float(sqlite_nio_sqlite3_column_double(statement, column)))
                case AKINAI_SQLITE_TEXT:
                    let count = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
                    let text = sqlite_nio_sqlite3_column_text(statement, column)
                    values.append(
                        .text(
                            text.map { String(decoding: UnsafeBufferPointer(start: $0, count: count), as: UTF8.self) }
                                ?? ""
                        )
                    )
                case AKINAI_SQLITE_BLOB:
                    let count = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
                    var buffer = ByteBufferAllocator().buffer(capacity: count)
                    if let bytes = sqlite_nio_sqlite3_column_blob(statement, column) {
                        buffer.writeBytes(UnsafeRawBufferPointer(start: bytes, count: count))
                    }
                    values.append(.blob(buffer))
                default: values.append(.null)
                }
            }
            onRow(SQLiteThreadRow(columns: prepared.columns, values: values))
        }
    }

    /// The prepared statement for `sql`, from the cache. Statements differ by the length of their `IN` lists, so
    /// the cache is bounded: past 256 it starts over.
    private func prepare(_ sql: String, on handle: OpaquePointer) throws -> Prepared {
        if let prepared = cache[sql] { return prepared }
        if cache.count >= 256 {
            for prepared in cache.values { sqlite_nio_sqlite3_finalize(prepared.statement) }
            cache = [:]
        }
        var statement: OpaquePointer?
        let status = sqlite_nio_sqlite3_prepare_v3(
            handle,
            sql,
            -1,
            UInt32(AKINAI_SQLITE_PREPARE_PERSISTENT),
            &statement,
            nil
        )
        guard status == AKINAI_SQLITE_OK, let statement else { throw error(handle) }
        let columns = (0..<sqlite_nio_sqlite3_column_count(statement)).map {
            sqlite_nio_sqlite3_column_name(statement, $0).map { String(cString: $0) } ?? ""
        }
        let prepared = Prepared(statement: statement, columns: columns)
        cache[sql] = prepared
        return prepared
    }

    private func error(_ handle: OpaquePointer) -> SQLiteThreadError {
        SQLiteThreadError(
            code: sqlite_nio_sqlite3_extended_errcode(handle),
            message: sqlite_nio_sqlite3_errmsg(handle).map { String(cString: $0) } ?? "unknown"
        )
    }
}

/// An error SQLite reported to one of these connections; constraint failures answer 409 like the driver's.
struct SQLiteThreadError: Error, DatabaseError, CustomStringConvertible {
    let code: Int32
    let message: String

    var description: String { "SQLite error \(code): \(message)" }
    var isSyntaxError: Bool { code & 0xff == 1 }
    var isConstraintFailure: Bool { code & 0xff == 19 }
    var isConnectionClosed: Bool { false }
}

/// The connection seen through SQLKit, so that the statements of `TenantSQL` run on it unchanged.
struct SQLiteThreadDatabase: SQLDatabase {
    let connection: SQLiteThread

    var logger: Logger { connection.logger }
    var eventLoop: any EventLoop { connection.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { nil }
    var dialect: any SQLDialect { SQLiteDialect() }
    var queryLogLevel: Logger.Level? { .trace }

    func execute(
        sql query: any SQLExpression,
        _ onRow: @escaping @Sendable (any SQLRow) -> Void
    ) -> EventLoopFuture<
        Void
    > {
        do {
            try run(query, onRow)
            return eventLoop.makeSucceededVoidFuture()
        } catch {
            return eventLoop.makeFailedFuture(error)
        }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        try run(query, onRow)
    }

    private func run(_ query: any SQLExpression, _ onRow: (any SQLRow) -> Void) throws {
        let (sql, binds) = serialize(query)
        let encoder = SQLiteDataEncoder()
        try connection.run(sql, try binds.map { try encoder.encode($0) }, onRow)
    }
}

/// A row one of these connections read.
private struct SQLiteThreadRow: SQLRow {
    let columns: [String]
    let values: [SQLiteData]

    var allColumns: [String] { columns }

    func contains(column: String) -> Bool { columns.contains(column) }

    func decodeNil(column: String) throws -> Bool {
        guard let index = columns.firstIndex(of: column) else { return true }
        return values[index] == .null
    }

    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        guard let index = columns.firstIndex(of: column) else {
            throw SQLiteThreadError(code: 1, message: "no column \(column)")
        }
        return try SQLiteDataDecoder().decode(D.self, from: values[index])
    }
}

/// Stops the threads of Akinai's own SQLite connections and closes them when the application stops.
struct SQLiteThreadsLifecycle: LifecycleHandler {
    let threads: [SQLiteThread]

    func shutdownAsync(_ application: Application) async {
        for thread in threads { await thread.shutdown() }
    }
}

/// The readers, one per core, taken in turn.
final class SQLiteReaders: Sendable {
    let readers: [SQLiteThread]
    private let next = Atomic<Int>(0)

    init(readers: [SQLiteThread]) {
        precondition(!readers.isEmpty)
        self.readers = readers
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
        return try await readers[Int(index.magnitude % UInt(readers.count))].read(body)
    }
}
