import Crypto
import Domain
import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Leaf
import SQLKit
import Vapor

/// The composition root: builds every dependency once, migrates the database and registers routes.
public func configure(_ app: Application, config: AppConfig, startWorkers: Bool = false) async throws {
    try await configure(app, config: config, startWorkers: startWorkers) { _ in }
}

/// The composition root, with `adjust` editing the services after they are built and before anything uses them:
/// tests swap the clock, the mailer or the rate limits, or register jobs of their own.
func configure(
    _ app: Application,
    config: AppConfig,
    startWorkers: Bool = false,
    services adjust: (inout AppServices) throws -> Void
) async throws {
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
        // Statements are logged at trace only (they carry hashes and sealed values); tests count them there.
        app.databases.use(.sqlite(.file(path), connectionPoolTimeout: .seconds(60), sqlLogLevel: .trace), as: .sqlite)
        isSQLite = true
    case .postgres(let url):
        // Transactions that wait on a row lock (orders for the same SKU) hold their connection meanwhile, so the
        // pool is larger than the driver's default of one per event loop, and waits longer before giving up.
        app.databases.use(
            try .postgres(
                url: url,
                maxConnectionsPerEventLoop: config.postgresPoolSize,
                connectionPoolTimeout: .seconds(60),
                // Statements carry password hashes, sealed secrets and token digests: only at trace, never at debug.
                sqlLogLevel: .trace
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
    // SQLite's own connections for the hot writes and reads, opened once the file and its schema exist.
    var writer: SQLiteThread?
    var readers: SQLiteReaders?
    if case .sqlite(let path) = config.database {
        let loop = app.eventLoopGroup.any()
        let opened = try SQLiteThread(
            path: path,
            role: .writer(gate: AsyncGate(), synchronous: config.sqliteSynchronous),
            logger: app.logger,
            eventLoop: loop
        )
        let reading = try (0..<System.coreCount).map { _ in
            try SQLiteThread(path: path, role: .reader, logger: app.logger, eventLoop: loop)
        }
        app.lifecycle.use(SQLiteThreadsLifecycle(threads: [opened] + reading))
        writer = opened
        readers = SQLiteReaders(readers: reading)
    }

    var jobs = JobRegistry()
    BuiltInJobs.register(&jobs)
    MailOutbox.register(&jobs)
    MasterImport.register(&jobs)
    let keyStore = try KeyStore.loadOrCreate(path: config.masterKeyFile, logger: app.logger)
    let commonPasswords = try CommonPasswords.load(resourcesDirectory: app.directory.resourcesDirectory)
    let strings = try Localizer.load(resourcesDirectory: app.directory.resourcesDirectory)
    let postal = try PostalData.load(resourcesDirectory: app.directory.resourcesDirectory)
    // Threads start here, after everything that can fail to load, and stop with the application.
    let passwordWork = PasswordWork()
    app.lifecycle.use(PasswordWorkLifecycle(work: passwordWork))
    var services = AppServices(
        config: config,
        clock: { Date() },
        passwordHasher: ScryptHasher(logN: config.scryptLogN),
        passwordWork: passwordWork,
        keyStore: keyStore,
        transactor: Transactor(
            isSQLite: isSQLite,
            sqliteSynchronous: config.sqliteSynchronous,
            writer: writer,
            readers: readers
        ),
        jobs: jobs,
        mailer: config.smtp.map { MailTransport.smtp($0, group: app.eventLoopGroup) }
            ?? MailTransport.files(directory: config.dataDirectory + "/mail"),
        commonPasswords: commonPasswords,
        postal: postal,
        strings: strings,
        rateLimits: RateLimits()
    )
    try adjust(&services)
    app.akinai = services
    if services.passwordWork !== passwordWork { app.lifecycle.use(PasswordWorkLifecycle(work: services.passwordWork)) }

    app.middleware = Middlewares()
    app.middleware.use(SecurityHeadersMiddleware(hsts: config.servedOverTLS))
    app.middleware.use(AppErrorMiddleware())
    app.middleware.use(FileMiddleware(publicDirectory: app.directory.publicDirectory))

    app.views.use(.leaf)
    app.leaf.tags["t"] = TranslateTag(strings: app.akinai.strings)
    app.leaf.cache.isEnabled = app.environment.isRelease

    try routes(app)
    app.allowedMethods = AllowedMethods(app.routes)
    Commands.register(app)
    if startWorkers && config.runWorkers {
        app.lifecycle.use(JobWorkers(count: config.workerCount))
    }
}
