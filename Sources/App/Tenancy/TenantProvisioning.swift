import Domain
import FluentKit
import Foundation

/// Creates tenants with their data key and first admin. Used by `akinai tenant create` and `akinai demo`.
enum TenantProvisioning {
    /// Problems that stop a tenant from being created.
    struct ProvisioningError: Error, CustomStringConvertible {
        let description: String
    }

    /// Creates the tenant, its data key and its admin, with audit events, in one transaction.
    static func create(
        db: any Database,
        services: AppServices,
        code rawCode: String,
        name rawName: String,
        adminEmail: String,
        adminPassword: String,
        adminName: String = "管理者",
        kind: TenantKind = .shop
    ) async throws -> TenantRecord {
        let code: TenantCode
        let name: DisplayName
        let email: EmailAddress
        do throws(FieldError) {
            code = try TenantCode(rawCode)
            name = try DisplayName(rawName)
            email = try EmailAddress(adminEmail)
            if kind == .shop, code.rawValue == OperatorDirectory.operatorCode {
                throw FieldError(field: "code", reason: "tenant_code_reserved")
            }
            try PasswordPolicy().check(
                adminPassword,
                context: .init(tenantCode: code.rawValue, shopName: name.rawValue, emailLocalPart: email.localPart),
                isCommon: services.commonPasswords.contains
            )
        } catch {
            let message = services.strings.text("error.\(error.reason)", .en)
            throw ProvisioningError(description: "\(error.field): \(message)")
        }
        if try await TenantRecord.query(on: db).filter(\.$code == code.rawValue).first() != nil {
            throw ProvisioningError(description: "a tenant with code \(code) already exists")
        }
        let hash = try services.passwordHasher.hash(adminPassword)
        let now = services.clock()
        let tenant = TenantRecord(code: code.rawValue, name: name.rawValue, createdAt: now)
        tenant.kind = kind
        try await services.transactor.run(on: db) { tx in
            try await tenant.create(on: tx)
            let tdb = services.tenantDatabase(tenant.id!, on: tx)
            try await services.keyStore.createTenantKey(tdb, now: now)
            let admin = try await UserProvisioning.create(
                tdb,
                services: services,
                email: email,
                name: adminName,
                role: .admin,
                passwordHash: hash
            )
            try await AuditLog.append(
                tdb,
                actor: .cli,
                action: "tenant.create",
                targetType: "tenant",
                targetID: tenant.id!.uuidString,
                details: ["code": code.rawValue],
                now: now
            )
            try await AuditLog.append(
                tdb,
                actor: .cli,
                action: "user.create",
                targetType: "user",
                targetID: admin.id!.uuidString,
                details: ["email": email.rawValue, "role": "admin"],
                now: now
            )
        }
        return tenant
    }
}

/// Creates user rows with their sealed name; shared by provisioning and the users page.
enum UserProvisioning {
    static func create(
        _ tdb: TenantDatabase,
        services: AppServices,
        email: EmailAddress,
        name: String,
        role: Role,
        passwordHash: String
    ) async throws -> UserRecord {
        let user = UserRecord(
            tenantID: tdb.tenantID,
            email: email.rawValue,
            role: role,
            passwordHash: passwordHash,
            createdAt: services.clock()
        )
        user.nameSealed = try await services.keyStore.cipher(tdb).seal(name, user.nameContext)
        try await tdb.create(user)
        return user
    }
}
