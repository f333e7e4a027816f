import Logging
import Synchronization
import Vapor

@testable import App

/// Counts the SQL statements SQLite runs for the requests made inside `count(_:)`: every statement, Fluent's and
/// hand-written alike, is logged by the driver as "Executing query" at trace level, and the log handler installed
/// here counts those made in the work tagged by a counting block (`WorkTag`, which follows the work into its
/// transactions, `BEGIN` and `COMMIT` included).
final class StatementCount: Sendable {
    static var current: StatementCount? { WorkTag.current as? StatementCount }

    private let total = Mutex(0)
    private let statements = Mutex<[String]>([])

    var count: Int { total.withLock { $0 } }
    var sql: [String] { statements.withLock { $0 } }

    fileprivate func record(_ sql: String) {
        total.withLock { $0 += 1 }
        statements.withLock { $0.append(sql) }
    }

    /// Installs the counting log handler; call it before the application is made.
    static func install() { installOnce }

    /// The statements `body` makes (requests sent through `app.testing()` run in its task).
    static func count(_ body: () async throws -> Void) async rethrows -> StatementCount {
        installOnce
        let counter = StatementCount()
        try await WorkTag.$current.withValue(counter) { try await body() }
        return counter
    }

    private static let installOnce: Void = {
        LoggingSystem.bootstrap { label in CountingHandler(stream: StreamLogHandler.standardError(label: label)) }
    }()
}

/// Prints what its level lets through, as the usual handler does, and hands each "Executing query" (logged at
/// trace whatever the level) to the counter of the task that logs it.
private struct CountingHandler: LogHandler {
    var stream: StreamLogHandler

    init(stream: StreamLogHandler) {
        self.stream = stream
        self.stream.logLevel = .info
    }

    var metadata: Logger.Metadata {
        get { stream.metadata }
        set { stream.metadata = newValue }
    }

    /// Always trace to the logger, so statements reach `log`; what is printed follows the level set.
    var logLevel: Logger.Level {
        get { .trace }
        set { stream.logLevel = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { stream[metadataKey: key] }
        set { stream[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        if event.level >= stream.logLevel { stream.log(event: event) }
        guard let counter = StatementCount.current, event.message.description == "Executing query" else { return }
        counter.record(event.metadata?["sql"].map { "\($0)" } ?? "")
    }
}
