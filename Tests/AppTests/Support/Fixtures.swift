import Domain
import FluentKit
import Foundation
import Vapor

@testable import App

/// A tenant made for a test, with its admin's credentials.
struct TestTenant: Sendable {
    let id: UUID
    let code: String
    let name: String
    let adminEmail: String
    let adminPassword: String
}

extension Application {
    /// Creates a tenant and its admin through the same path as `akinai tenant create`.
    func makeTenant(
        _ code: String,
        name: String? = nil,
        password: String = "correct horse battery staple"
    ) async throws -> TestTenant {
        let email = "admin@\(code).example"
        let shopName = name ?? "テスト店舗 \(code)"
        let tenant = try await TenantProvisioning.create(
            db: db,
            services: akinai,
            code: code,
            name: shopName,
            adminEmail: email,
            adminPassword: password
        )
        return TestTenant(id: tenant.id!, code: code, name: shopName, adminEmail: email, adminPassword: password)
    }

    /// Adds a user to a tenant directly.
    @discardableResult
    func makeUser(
        in tenant: TestTenant,
        email: String,
        name: String = "山田 太郎",
        role: Role,
        grants: [Module: Access] = [:],
        password: String = "another long password 1"
    ) async throws -> UserRecord {
        let tdb = akinai.tenantDatabase(tenant.id, on: db)
        let user = try await UserProvisioning.create(
            tdb,
            services: akinai,
            email: try EmailAddress(email),
            name: name,
            role: role,
            passwordHash: try akinai.passwordHasher.hash(password)
        )
        if !grants.isEmpty {
            user.grants = StoredJSON(grants)
            try await tdb.update(user)
        }
        return user
    }

    /// Issues an API token for a user.
    func makeToken(tenant: TestTenant, userID: UUID, scopes: [String]) async throws -> String {
        try await APITokenIssuer.issue(
            akinai.tenantDatabase(tenant.id, on: db),
            userID: userID,
            name: "test",
            scopes: scopes,
            expiresAt: nil,
            actor: .cli,
            now: akinai.clock()
        )
    }

    func user(_ tenant: TestTenant, email: String) async throws -> UserRecord? {
        try await akinai.tenantDatabase(tenant.id, on: db).query(UserRecord.self).filter(\.$email == email).first()
    }
}
