import Foundation
import Logging
import NIOCore
import NIOPosix

/// Delivers rendered mail: to an SMTP server, or as `.eml` files when no server is configured.
struct MailTransport: Sendable {
    /// A human-readable description for logs and the operator page.
    let description: String
    let send: @Sendable (OutgoingMail, _ messageID: String, _ date: Date) async throws -> Void

    /// Writes each mail as `<directory>/<time>-<id>.eml`.
    static func files(directory: String) -> MailTransport {
        MailTransport(description: "files in \(directory)") { mail, messageID, date in
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let stamp = Int(date.timeIntervalSince1970 * 1000)
            let path = "\(directory)/\(stamp)-\(messageID.prefix(36)).eml"
            try Data(mail.rendered(date: date, messageID: messageID).utf8).write(
                to: URL(fileURLWithPath: path),
                options: .atomic
            )
        }
    }

    /// Sends through the server of an `smtp://`, `smtp+starttls://` or `smtps://` URL.
    static func smtp(_ configuration: SMTPConfiguration, group: any EventLoopGroup) -> MailTransport {
        MailTransport(description: configuration.description) { mail, messageID, date in
            try await SMTPClient(configuration: configuration, group: group).send(
                mail,
                messageID: messageID,
                date: date
            )
        }
    }
}
