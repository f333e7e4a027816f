import Domain
import FluentKit
import Vapor

/// `akinai token …`
struct TokenCommands: AsyncCommandGroup {
    var help: String { "Manages API tokens." }
    var commands: [String: any AnyAsyncCommand] { ["create": Create()] }

    /// `akinai token create --tenant CODE --email EMAIL --scopes SCOPES`: prints only the token.
    struct Create: AsyncCommand {
        struct Signature: CommandSignature {
            @Option(name: "tenant", help: "Tenant code.") var tenant: String?
            @Option(name: "email", help: "E-mail of the user the token acts as.") var email: String?
            @Option(name: "scopes", help: "Comma- or space-separated scopes, e.g. orders:read,inventory:write.")
            var scopes: String?
            @Option(name: "name", help: "A label for the token.") var name: String?
        }
        var help: String { "Issues an API token and prints it (only the token)." }

        func run(using context: CommandContext, signature: Signature) async throws {
            guard let code = signature.tenant, let email = signature.email else {
                throw CommandFailure(description: "--tenant and --email are required")
            }
            let app = context.application
            guard let tenant = try await app.tenantDirectory.activeTenant(code: code.lowercased()) else {
                throw CommandFailure(description: "no active tenant with code \(code)")
            }
            // tenancy: operator CLI, tenant named on the command line
            let tdb = app.tenantDirectory.tenantDatabase(tenant.id!)
            guard let address = try? EmailAddress(email),
                let user = try await tdb.query(UserRecord.self).filter(\.$email == address.rawValue).first(),
                user.isActive
            else { throw CommandFailure(description: "no active user \(email) in tenant \(code)") }
            let scopes = (signature.scopes ?? "").split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
            do {
                let token = try await APITokenIssuer.issue(
                    tdb,
                    userID: user.id!,
                    name: signature.name ?? "cli",
                    scopes: scopes,
                    expiresAt: nil,
                    actor: .cli,
                    now: app.akinai.clock()
                )
                context.console.print(token)
            } catch let error as AppError {
                throw CommandFailure(
                    description: app.akinai.strings.text(error.messageKey, .en) + " Valid scopes: "
                        + APITokenIssuer.allScopes.joined(separator: ", ")
                )
            }
        }
    }
}
