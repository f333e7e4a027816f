import Domain
import Vapor

/// The operator console's mail page: the envelope and delivery state of every mail, and which `.eml` files were
/// written when no SMTP server is configured. Never a body: a shop's mails carry reset links, invitation links
/// and sign-in codes, and the operator must not be able to use them.
struct OperatorMailController {
    /// One outbox entry.
    struct MailRow: Encodable, Sendable {
        let to: String
        let subject: String
        let status: String
        let attempts: Int
        let created: String
        let sent: String?
        let error: String?
    }

    /// One `.eml` file.
    struct FileRow: Encodable, Sendable {
        let name: String
        let size: Int
        let modified: String
    }

    /// The page.
    struct MailPage: Encodable, Sendable {
        let transport: String
        let mails: [MailRow]
        let files: [FileRow]
    }

    func register(tenant: TenantRoutes) {
        tenant.operatorGet("operator", "mail", use: list)
    }

    @Sendable func list(_ request: Request, _ context: TenantContext) async throws -> Response {
        guard let directory = context.operatorDirectory else { throw AppError.notFound }
        let mails = try await directory.recentMail().map {
            MailRow(
                to: $0.toAddress,
                subject: $0.subject,
                status: $0.status,
                attempts: $0.attempts,
                created: JST.format($0.createdAt),
                sent: $0.sentAt.map(JST.format),
                error: $0.lastError
            )
        }
        let files = directory.mailFiles().map {
            FileRow(name: $0.name, size: $0.size, modified: JST.format($0.modified))
        }
        return try await Pages.render(
            "operator/mail",
            titleKey: "operator.mail_title",
            page: MailPage(transport: context.services.mailer.description, mails: mails, files: files),
            request: request,
            context: context
        )
    }
}
