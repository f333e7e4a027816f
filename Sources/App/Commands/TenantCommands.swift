import FluentKit
import Vapor

/// `akinai tenant …`
struct TenantCommands: AsyncCommandGroup {
    var help: String { "Manages tenants (shops)." }
    var commands: [String: any AnyAsyncCommand] { ["create": Create()] }

    /// `akinai tenant create --code CODE --name NAME --admin-email EMAIL --admin-password-file FILE`
    /// (or `--admin-password PASSWORD`, which other users of the machine can see in the process list)
    struct Create: AsyncCommand {
        struct Signature: CommandSignature {
            @Option(name: "code", help: "Tenant code used at sign-in (a-z, 0-9, -).") var code: String?
            @Option(name: "name", help: "Shop name.") var name: String?
            @Option(name: "admin-email", help: "E-mail of the first admin.") var adminEmail: String?
            @Option(name: "admin-password", help: "Password of the first admin (12–128 characters).")
            var adminPassword: String?
            @Option(name: "admin-password-file", help: "A file holding the password (/dev/stdin to pipe it in).")
            var adminPasswordFile: String?
        }
        var help: String { "Creates a tenant with its data key and first admin." }

        func run(using context: CommandContext, signature: Signature) async throws {
            let password = try PasswordArgument.read(
                value: signature.adminPassword,
                file: signature.adminPasswordFile,
                flag: "admin-password"
            )
            guard let code = signature.code, let name = signature.name, let email = signature.adminEmail,
                let password
            else {
                throw CommandFailure(
                    description:
                        "--code, --name, --admin-email and --admin-password-file (or --admin-password) are required"
                )
            }
            let app = context.application
            let tenant = try await TenantProvisioning.create(
                // tenancy: operator CLI, tenant named on the command line
                db: app.db,
                services: app.akinai,
                code: code,
                name: name,
                adminEmail: email,
                adminPassword: password
            )
            context.console.print("Created tenant \(tenant.code) (\(tenant.id!.uuidString)).")
        }
    }
}
