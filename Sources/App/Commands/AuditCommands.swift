import Domain
import FluentKit
import Vapor

/// `akinai audit …`
struct AuditCommands: AsyncCommandGroup {
    var help: String { "Works with the audit trail." }
    var commands: [String: any AnyAsyncCommand] { ["verify": Verify()] }

    /// `akinai audit verify [--tenant CODE]`: checks every tenant's hash chain and names the first broken link.
    struct Verify: AsyncCommand {
        struct Signature: CommandSignature {
            @Option(name: "tenant", help: "Only this tenant.") var tenant: String?
        }
        var help: String { "Verifies the audit hash chains; exits non-zero when one is broken." }

        func run(using context: CommandContext, signature: Signature) async throws {
            let app = context.application
            var tenants = try await app.tenantDirectory.allTenants()
            if let code = signature.tenant {
                tenants = tenants.filter { $0.code == code.lowercased() }
                if tenants.isEmpty { throw CommandFailure(description: "no tenant with code \(code)") }
            }
            var broken: [String] = []
            for tenant in tenants {
                // tenancy: operator CLI, every tenant in turn
                let verdict = try await AuditLog.verify(app.tenantDirectory.tenantDatabase(tenant.id!))
                switch verdict {
                case .intact(let count):
                    context.console.print("\(tenant.code): intact (\(count) events)")
                case .broken(let seq, let reason):
                    context.console.print("\(tenant.code): BROKEN at event \(seq): \(reason)")
                    broken.append(tenant.code)
                }
            }
            if !broken.isEmpty {
                throw CommandFailure(description: "audit chain broken for: \(broken.joined(separator: ", "))")
            }
        }
    }
}
