import Domain
import FluentKit
import Vapor

/// `akinai demo`: creates the demo shop if it is missing, gives its admin a fresh password, and prints how
/// to sign in. Running it again creates nothing twice.
struct DemoCommand: AsyncCommand {
    struct Signature: CommandSignature {}
    var help: String { "Creates (idempotently) a demo shop with an admin and prints how to sign in." }

    static let code = "demo"
    static let email = "admin@demo.example"

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let services = app.akinai
        let password = SecretToken.generate(bytes: 12)
        if let tenant = try await app.tenantDirectory.activeTenant(code: Self.code) {
            // tenancy: operator CLI, the demo tenant
            let tdb = app.tenantDirectory.tenantDatabase(tenant.id!)
            let hash = try services.passwordHasher.hash(password)
            try await tdb.transaction { tx in
                let user: UserRecord
                if let existing = try await tx.query(UserRecord.self).filter(\.$email == Self.email).first() {
                    user = existing
                    user.passwordHash = hash
                    user.status = .active
                    user.role = .admin
                    user.passwordChangedAt = services.clock()
                    try await tx.update(user)
                } else {
                    user = try await UserProvisioning.create(
                        tx,
                        services: services,
                        email: try EmailAddress(Self.email),
                        name: "デモ管理者",
                        role: .admin,
                        passwordHash: hash
                    )
                }
                try await AuditLog.append(
                    tx,
                    actor: .cli,
                    action: "user.password_reset",
                    targetType: "user",
                    targetID: user.id!.uuidString,
                    details: ["email": Self.email, "by": "akinai demo"],
                    now: services.clock()
                )
            }
        } else {
            _ = try await TenantProvisioning.create(
                // tenancy: operator CLI, the demo tenant
                db: app.db,
                services: services,
                code: Self.code,
                name: "デモショップ 商い堂",
                adminEmail: Self.email,
                adminPassword: password,
                adminName: "デモ管理者"
            )
        }
        if let tenant = try await app.tenantDirectory.activeTenant(code: Self.code) {
            // tenancy: operator CLI, the demo tenant
            let tdb = app.tenantDirectory.tenantDatabase(tenant.id!)
            let created = try await DemoCatalog.seed(tdb, services: services)
            if created > 0 { context.console.print("Created the demo catalog: \(created) SKUs in two warehouses.") }
            let orders = try await DemoOrders.seed(tdb, services: services)
            if orders > 0 { context.console.print("Created \(orders) demo orders in every state.") }
        }
        let config = services.config
        context.console.print(
            """
            Demo shop ready. Start the server with `akinai serve`, then sign in:
              URL:         \(config.publicBaseURL)/login
              Tenant code: \(Self.code)
              E-mail:      \(Self.email)
              Password:    \(password)
            (Running `akinai demo` again sets a new password.)
            """
        )
    }
}
