import Crypto
import Domain
import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Leaf
import SQLKit
import Vapor

/// Replacements for the live services, used by tests.
public struct ServiceOverrides: Sendable {
    public var clock: (@Sendable () -> Date)?
    public var masterKey: SymmetricKey?
    public var jobs: JobRegistry?
    public var mailer: MailTransport?
    var rateLimits: RateLimits?

    init(
        clock: (@Sendable () -> Date)? = nil,
        masterKey: SymmetricKey? = nil,
        jobs: JobRegistry? = nil,
        mailer: MailTransport? = nil,
        rateLimits: RateLimits? = nil
    ) {
        self.clock = clock
        self.masterKey = masterKey
        self.jobs = jobs
        self.mailer = mailer
        self.rateLimits = rateLimits
    }
}

/// The composition root: builds every dependency once, migrates the database and registers routes.
public func configure(
    _ app: Application,
    config: AppConfig,
    overrides: ServiceOverrides? = nil,
    startWorkers: Bool = false
) async throws {
    let overrides = overrides ?? ServiceOverrides()
    app.logger.logLevel = config.logLevel
    app.http.server.configuration.hostname = config.hostname
    app.http.server.configuration.port = config.port
    app.routes.defaultMaxBodySize = "2mb"
    app.directory.resourcesDirectory = config.resourcesDirectory
    app.directory.viewsDirectory = config.resourcesDirectory + "Views/"
    app.directory.publicDirectory = config.resourcesDirectory + "Public/"

    let isSQLite: Bool
    switch config.database {
    case .sqlite(let path):
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        // SQLiteNIO runs every statement on a thread pool, and a statement that waits for SQLite's write lock
        // spins on its thread until the lock is free. With the process-wide pool (one thread per core, shared
        // by every Application in the process), enough waiting writers could hold every thread while the
        // transaction they wait for needs one to commit: nothing would move again. This application's own
        // pool has more threads than its connections, so the lock holder always finds one.
        app.threadPool = NIOThreadPool(numberOfThreads: System.coreCount * 2 + 2)
        app.databases.use(.sqlite(.file(path), connectionPoolTimeout: .seconds(60), sqlLogLevel: nil), as: .sqlite)
        isSQLite = true
    case .postgres(let url):
        // Transactions that wait on a row lock (orders for the same SKU) hold their connection meanwhile, so the
        // pool is larger than the driver's default of one per event loop, and waits longer before giving up.
        app.databases.use(
            try .postgres(
                url: url,
                maxConnectionsPerEventLoop: config.postgresPoolSize,
                connectionPoolTimeout: .seconds(60),
                sqlLogLevel: .debug
            ),
            as: .psql
        )
        isSQLite = false
    }
    // tenancy: start-up pragmas
    if isSQLite, let sql = app.db as? any SQLDatabase {
        // WAL lets readers proceed while one writer commits; the setting is stored in the file.
        _ = try await sql.raw("PRAGMA journal_mode=WAL").all()
    }
    app.migrations.add(MigrationList.all)
    try await app.autoMigrate()

    let keyStore =
        try overrides.masterKey.map { KeyStore(master: $0) }
        ?? KeyStore.loadOrCreate(path: config.masterKeyFile, logger: app.logger)
    var jobs = overrides.jobs ?? JobRegistry()
    BuiltInJobs.register(&jobs)
    MailOutbox.register(&jobs)
    MasterImport.register(&jobs)
    let mailer =
        overrides.mailer
        ?? config.smtp.map { MailTransport.smtp($0, group: app.eventLoopGroup) }
        ?? MailTransport.files(directory: config.dataDirectory + "/mail")
    app.akinai = AppServices(
        config: config,
        clock: overrides.clock ?? { Date() },
        passwordHasher: ScryptHasher(logN: config.scryptLogN),
        keyStore: keyStore,
        transactor: Transactor(isSQLite: isSQLite, sqliteSynchronous: config.sqliteSynchronous),
        jobs: jobs,
        mailer: mailer,
        commonPasswords: try CommonPasswords.load(resourcesDirectory: app.directory.resourcesDirectory),
        rateLimits: overrides.rateLimits ?? RateLimits()
    )

    app.middleware = Middlewares()
    app.middleware.use(SecurityHeadersMiddleware(hsts: config.servedOverTLS))
    app.middleware.use(AppErrorMiddleware())
    app.middleware.use(FileMiddleware(publicDirectory: app.directory.publicDirectory))

    app.views.use(.leaf)
    app.leaf.cache.isEnabled = app.environment.isRelease

    try routes(app)
    app.allowedMethods = AllowedMethods(app.routes)
    Commands.register(app)
    if startWorkers && config.runWorkers {
        app.lifecycle.use(JobWorkers(count: config.workerCount))
    }
}
