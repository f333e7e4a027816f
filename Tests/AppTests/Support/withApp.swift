import Crypto
import FluentKit
import Foundation
import SQLKit
import Synchronization
import Vapor
import VaporTesting

@testable import App

/// A clock that tests move by hand.
final class TestClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date = Date(timeIntervalSince1970: 1_795_000_000)) {
        current = Mutex(start)
    }

    var now: Date { current.withLock { $0 } }

    func advance(_ seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }

    var closure: @Sendable () -> Date { { [self] in self.now } }
}

/// Which database the suite runs on: SQLite by default, PostgreSQL when `AKINAI_TEST_POSTGRES_URL` is set
/// (a server where the user may create databases; each test gets a fresh one).
enum TestDatabase {
    static var postgresURL: String? {
        ProcessInfo.processInfo.environment["AKINAI_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    static var isPostgres: Bool { postgresURL != nil }

    /// A fresh, empty database location and a function that removes it.
    static func make(directory: String) async throws -> (AppConfig.DatabaseLocation, @Sendable () async -> Void) {
        guard let admin = postgresURL else {
            return (.sqlite(path: directory + "/akinai.sqlite"), {})
        }
        let name = "akinai_t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
        try await withAdmin(admin) { sql in try await sql.raw("CREATE DATABASE \(unsafeRaw: name)").run() }
        var components = URLComponents(string: admin)!
        components.path = "/" + name
        let url = components.string!
        return (
            .postgres(url: url),
            {
                try? await withAdmin(admin) { sql in
                    try await sql.raw("DROP DATABASE IF EXISTS \(unsafeRaw: name) WITH (FORCE)").run()
                }
            }
        )
    }

    private static func withAdmin(_ url: String, _ body: @Sendable (any SQLDatabase) async throws -> Void) async throws
    {
        let app = try await Application.make(.testing)
        do {
            app.databases.use(try .postgres(url: url, sqlLogLevel: .debug), as: .psql)
            try await body(app.db as! any SQLDatabase)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }
}

/// What a test gets besides the application.
struct TestEnv: Sendable {
    let clock: TestClock
    let directory: String
    let config: AppConfig
    let masterKey: SymmetricKey
    let mailbox: TestMailbox
}

/// Catches the mails Akinai sends, as they would arrive.
final class TestMailbox: Sendable {
    private let mails = Mutex<[OutgoingMail]>([])

    var transport: MailTransport {
        MailTransport(description: "test mailbox") { [self] mail, _, _ in self.mails.withLock { $0.append(mail) } }
    }

    var all: [OutgoingMail] { mails.withLock { $0 } }

    /// The newest mail to `address`.
    func last(to address: String) -> OutgoingMail? { all.last { $0.to == address } }

    /// The first `http…` link in the newest mail to `address`, as a path.
    func link(to address: String) -> String? {
        guard let body = last(to: address)?.body,
            let range = body.range(of: "https?://[^\\s]+", options: .regularExpression),
            let url = URL(string: String(body[range]))
        else { return nil }
        return url.path
    }
}

extension Application {
    /// Runs queued jobs (mail delivery among them) until none is due.
    func runJobs() async throws {
        let worker = JobWorker(id: "test", db: db, services: akinai, logger: logger)
        while try await worker.runOnce() {}
    }
}

/// Runs `test` against a freshly configured and migrated Akinai on its own database.
func withApp(
    clock: TestClock = TestClock(),
    mailer: MailTransport? = nil,
    rateLimits: RateLimits? = nil,
    environment: [String: String] = [:],
    services adjust: @Sendable (inout AppServices) -> Void = { _ in },
    _ test: (Application, TestEnv) async throws -> Void
) async throws {
    let directory = NSTemporaryDirectory() + "akinai-test-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let (location, cleanup) = try await TestDatabase.make(directory: directory)
    var config = try AppConfig.from(
        environment: environment.merging(["AKINAI_DATA_DIR": directory, "AKINAI_SCRYPT_LOG_N": "10"]) { $1 }
    )
    config.database = location
    let masterKey = SymmetricKey(size: .bits256)
    try Data((masterKey.withUnsafeBytes { Data($0) }.base64EncodedString() + "\n").utf8)
        .write(to: URL(fileURLWithPath: config.masterKeyFile))
    let mailbox = TestMailbox()
    let env = TestEnv(clock: clock, directory: directory, config: config, masterKey: masterKey, mailbox: mailbox)
    let app = try await Application.make(.testing)
    do {
        try await configure(app, config: config) { services in
            services.clock = clock.closure
            services.mailer = mailer ?? mailbox.transport
            services.rateLimits = rateLimits ?? .generous
            adjust(&services)
        }
        try await test(app, env)
    } catch {
        try? await app.asyncShutdown()
        await cleanup()
        try? FileManager.default.removeItem(atPath: directory)
        throw error
    }
    try await app.asyncShutdown()
    await cleanup()
    try? FileManager.default.removeItem(atPath: directory)
}
