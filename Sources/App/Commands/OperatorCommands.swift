import Domain
import FluentKit
import Vapor

/// `akinai operator …`
struct OperatorCommands: AsyncCommandGroup {
    var help: String { "Manages the operators who run this instance." }
    var commands: [String: any AnyAsyncCommand] { ["create": Create()] }

    /// `akinai operator create --email EMAIL --password-file FILE` (or `--password PASSWORD`): an admin of the operator tenant (created on
    /// first use), who signs in with tenant code `operator` and sees the operator console.
    struct Create: AsyncCommand {
        struct Signature: CommandSignature {
            @Option(name: "email", help: "The operator's e-mail.") var email: String?
            @Option(name: "password", help: "The operator's password (12–128 characters).") var password: String?
            @Option(name: "password-file", help: "A file holding the password (/dev/stdin to pipe it in).")
            var passwordFile: String?
        }
        var help: String { "Creates an operator account." }

        func run(using context: CommandContext, signature: Signature) async throws {
            let password = try PasswordArgument.read(
                value: signature.password,
                file: signature.passwordFile,
                flag: "password"
            )
            guard let rawEmail = signature.email, let password else {
                throw CommandFailure(description: "--email and --password-file (or --password) are required")
            }
            let app = context.application
            let code = OperatorDirectory.operatorCode
            guard let existing = try await app.tenantDirectory.activeTenant(code: code) else {
                _ = try await TenantProvisioning.create(
                    // tenancy: operator CLI, tenant named on the command line
                    db: app.db,
                    services: app.akinai,
                    code: code,
                    name: "Akinai 運営",
                    adminEmail: rawEmail,
                    adminPassword: password,
                    adminName: "運営者",
                    kind: .operator
                )
                context.console.print(
                    "Created the operator tenant and operator \(rawEmail); sign in with tenant code \(code)."
                )
                return
            }
            // tenancy: operator CLI, tenant named on the command line
            let tdb = app.tenantDirectory.tenantDatabase(existing.id!)
            guard let email = try? EmailAddress(rawEmail) else { throw CommandFailure(description: "invalid e-mail") }
            if let problem = try await PasswordRules.check(
                password,
                user: nil,
                email: email.rawValue,
                tdb: tdb,
                services: app.akinai
            ) {
                throw CommandFailure(description: app.akinai.strings.text("error.\(problem.reason)", .en))
            }
            if try await tdb.query(UserRecord.self).filter(\.$email == email.rawValue).first() != nil {
                throw CommandFailure(description: "operator \(email) already exists")
            }
            let hash = try app.akinai.passwordHasher.hash(password)
            try await tdb.transaction { tx in
                let user = try await UserProvisioning.create(
                    tx,
                    services: app.akinai,
                    email: email,
                    name: "運営者",
                    role: .admin,
                    passwordHash: hash
                )
                try await AuditLog.append(
                    tx,
                    actor: .cli,
                    action: "user.create",
                    targetType: "user",
                    targetID: user.id!.uuidString,
                    details: ["email": email.rawValue, "role": "admin"],
                    now: app.akinai.clock()
                )
            }
            context.console.print("Created operator \(email.rawValue).")
        }
    }
}
