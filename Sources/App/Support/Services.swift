import Crypto
import Domain
import FluentKit
import Foundation
import Vapor

/// Every dependency with a side effect, built once in `configure` and passed down. Tests build their own.
struct AppServices: Sendable {
    var config: AppConfig
    /// The current time. Tests move it instead of sleeping.
    var clock: @Sendable () -> Date
    var passwordHasher: ScryptHasher
    /// Where password hashes run: threads of their own, a bounded queue.
    var passwordWork: PasswordWork
    var keyStore: KeyStore
    var transactor: Transactor
    var jobs: JobRegistry
    var mailer: MailTransport
    var commonPasswords: CommonPasswords
    /// Japan Post's postal codes, for the address check of orders.
    var postal: PostalDirectory
    /// The UI text in every language.
    var strings: Localizer
    var rateLimits: RateLimits

    /// A database view limited to one tenant, on `db`.
    // tenancy: the one constructor of TenantDatabase
    func tenantDatabase(_ tenantID: UUID, on db: any FluentKit.Database) -> TenantDatabase {
        TenantDatabase(tenantID: tenantID, db: db, transactor: transactor, auditKey: keyStore.auditKey)
    }
}

extension Application {
    private struct AppServicesKey: StorageKey {
        typealias Value = AppServices
    }

    /// The services built by `configure`.
    var akinai: AppServices {
        get {
            guard let services = storage[AppServicesKey.self] else { fatalError("configure(_:) has not run") }
            return services
        }
        set { storage[AppServicesKey.self] = newValue }
    }
}

extension Request {
    var akinai: AppServices { application.akinai }
}
