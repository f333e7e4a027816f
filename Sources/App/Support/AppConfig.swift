import Domain
import Foundation
import Logging

/// Akinai's settings, read from `AKINAI_*` environment variables with safe defaults (see the README).
public struct AppConfig: Sendable {
    /// Which database Akinai runs on.
    enum DatabaseLocation: Sendable, Equatable {
        case sqlite(path: String)
        case postgres(url: String)
    }

    var database: DatabaseLocation
    var dataDirectory: String
    var hostname: String
    var port: Int
    /// The address users reach Akinai at, used in mails and to decide on Secure cookies and HSTS.
    var publicBaseURL: String
    public var logLevel: Logger.Level
    var masterKeyFile: String
    /// log2 of scrypt's N for new password hashes.
    var scryptLogN: Int
    /// Whether this instance runs background job workers.
    var runWorkers: Bool
    var workerCount: Int
    /// `AKINAI_SMTP_URL`; without it mails are written as `.eml` files under `<data>/mail`.
    var smtp: SMTPConfiguration?
    /// The sender of Akinai's mails.
    var mailFrom: String
    /// `AKINAI_SQLITE_SYNCHRONOUS`: `FULL` (default) or `NORMAL`.
    var sqliteSynchronous: String
    /// `AKINAI_DB_POOL`: PostgreSQL connections per event loop (default 8).
    var postgresPoolSize: Int
    /// `AKINAI_TRUSTED_PROXIES`: the proxies whose `X-Forwarded-For` is believed (none by default).
    var trustedProxies: [IPNetwork]
    /// Views, styles and the password list, ending in `/`: `AKINAI_RESOURCES_DIR`, or found beside the
    /// executable or in the working directory.
    var resourcesDirectory: String

    /// Errors in the environment that stop Akinai from starting.
    struct ConfigError: Error, CustomStringConvertible {
        let description: String
    }

    /// Reads the configuration from `environment`.
    public static func from(environment env: [String: String]) throws -> AppConfig {
        let dataDirectory = env["AKINAI_DATA_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "./data"
        let database = try parseDatabaseURL(
            env["AKINAI_DATABASE_URL"] ?? "",
            defaultPath: dataDirectory + "/akinai.sqlite"
        )
        let port =
            try env["AKINAI_PORT"].map { raw -> Int in
                guard let p = Int(raw), (1...65535).contains(p) else {
                    throw ConfigError(description: "AKINAI_PORT must be a port number, got \(raw)")
                }
                return p
            } ?? 8080
        let hostname = env["AKINAI_HOSTNAME"] ?? "127.0.0.1"
        let level =
            try env["AKINAI_LOG_LEVEL"].map { raw -> Logger.Level in
                guard let level = Logger.Level(rawValue: raw.lowercased()) else {
                    throw ConfigError(
                        description:
                            "AKINAI_LOG_LEVEL must be one of trace, debug, info, notice, warning, error, critical"
                    )
                }
                return level
            } ?? .info
        let logN =
            try env["AKINAI_SCRYPT_LOG_N"].map { raw -> Int in
                guard let n = Int(raw), (10...20).contains(n) else {
                    throw ConfigError(description: "AKINAI_SCRYPT_LOG_N must be between 10 and 20")
                }
                return n
            } ?? 17
        let workers = Int(env["AKINAI_WORKERS"] ?? "") ?? 2
        let smtp = try env["AKINAI_SMTP_URL"].flatMap { $0.isEmpty ? nil : $0 }.map {
            do {
                return try SMTPConfiguration(url: $0)
            } catch {
                throw ConfigError(description: String(describing: error))
            }
        }
        let trustedProxies: [IPNetwork]
        switch IPNetwork.list(env["AKINAI_TRUSTED_PROXIES"] ?? "") {
        case .success(let networks): trustedProxies = networks
        case .failure(let error):
            throw ConfigError(
                description:
                    "AKINAI_TRUSTED_PROXIES must list addresses or CIDR networks (10.0.0.0/8, ::1), got \"\(error.entry)\""
            )
        }
        return AppConfig(
            database: database,
            dataDirectory: dataDirectory,
            hostname: hostname,
            port: port,
            publicBaseURL: env["AKINAI_PUBLIC_URL"] ?? "http://\(hostname):\(port)",
            logLevel: level,
            masterKeyFile: env["AKINAI_MASTER_KEY_FILE"] ?? dataDirectory + "/master.key",
            scryptLogN: logN,
            runWorkers: workers > 0,
            workerCount: max(0, min(workers, 16)),
            smtp: smtp,
            mailFrom: env["AKINAI_MAIL_FROM"] ?? smtp?.from ?? "Akinai <noreply@akinai.invalid>",
            sqliteSynchronous: (env["AKINAI_SQLITE_SYNCHRONOUS"] ?? "FULL").uppercased() == "NORMAL"
                ? "NORMAL" : "FULL",
            postgresPoolSize: max(1, min(Int(env["AKINAI_DB_POOL"] ?? "") ?? 8, 64)),
            trustedProxies: trustedProxies,
            resourcesDirectory: try locateResources(env["AKINAI_RESOURCES_DIR"])
        )
    }

    /// `sqlite:///abs/path`, `sqlite://relative/path`, `postgres://…`, or empty for the default SQLite file.
    static func parseDatabaseURL(_ raw: String, defaultPath: String) throws -> DatabaseLocation {
        let value = raw.trimmingCharacters(in: .whitespaces)
        if value.isEmpty { return .sqlite(path: defaultPath) }
        if value.hasPrefix("sqlite://") {
            let path = String(value.dropFirst("sqlite://".count))
            guard !path.isEmpty else { throw ConfigError(description: "AKINAI_DATABASE_URL: sqlite URL has no path") }
            return .sqlite(path: path)
        }
        if value.hasPrefix("postgres://") || value.hasPrefix("postgresql://") {
            return .postgres(url: value)
        }
        throw ConfigError(description: "AKINAI_DATABASE_URL must start with sqlite:// or postgres://")
    }

    /// `explicit` when given; else the first `Resources` folder in the executable's directory or up to four
    /// above it (an install's `bin/..`, or a checkout's `.build/<triple>/debug/../../..`), then the working
    /// directory's. Akinai does not start without one: pages and the password policy depend on it.
    static func locateResources(_ explicit: String?) throws -> String {
        let fileManager = FileManager.default
        func isResources(_ path: String) -> Bool {
            fileManager.fileExists(atPath: path + "/Views") && fileManager.fileExists(atPath: path + "/Security")
        }
        if let explicit, !explicit.isEmpty {
            guard isResources(explicit) else {
                throw ConfigError(
                    description:
                        "AKINAI_RESOURCES_DIR is \(explicit), which has no Views and Security folders: point it at Akinai's Resources directory"
                )
            }
            return explicit.hasSuffix("/") ? explicit : explicit + "/"
        }
        var candidates: [String] = []
        if var directory = Bundle.main.executableURL?.resolvingSymlinksInPath().deletingLastPathComponent() {
            for _ in 0...4 {
                candidates.append(directory.appendingPathComponent("Resources").path)
                directory.deleteLastPathComponent()
            }
        }
        candidates.append(fileManager.currentDirectoryPath + "/Resources")
        guard let found = candidates.first(where: isResources) else {
            throw ConfigError(
                description:
                    "Akinai's Resources directory was not found beside the executable or in \(fileManager.currentDirectoryPath); set AKINAI_RESOURCES_DIR to it"
            )
        }
        return found + "/"
    }

    /// Whether users reach Akinai over HTTPS (so cookies get `Secure` and responses get HSTS).
    var servedOverTLS: Bool { publicBaseURL.lowercased().hasPrefix("https://") }
}
