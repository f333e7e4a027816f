import Foundation

/// Where and how to reach the SMTP server, from `AKINAI_SMTP_URL`.
///
/// - `smtp://host:port` — plain, upgraded with STARTTLS when the server offers it;
/// - `smtp+starttls://host:port` — STARTTLS required;
/// - `smtps://host:port` — TLS from the first byte.
/// `user:password@` adds AUTH PLAIN (or LOGIN), which is sent only over TLS or to a loopback address.
/// `?from=` sets the sender (default `noreply@<host>`); `?ca=/path/ca.pem` trusts that CA for the server's
/// certificate instead of the system's roots (for a private mail relay). With `smtp://`, a server that does not
/// offer STARTTLS gets no mail (Akinai's mails carry sign-in links and codes) unless it is on loopback or the URL
/// says `?tls=none`.
struct SMTPConfiguration: Sendable, Equatable, CustomStringConvertible {
    /// How TLS is used.
    enum Security: String, Sendable {
        case opportunistic
        case startTLS
        case implicitTLS
    }

    var host: String
    var port: Int
    var security: Security
    var username: String?
    var password: String?
    var from: String
    /// The name sent with EHLO.
    var heloName: String
    /// A PEM file of CA certificates to trust instead of the system's.
    var caFile: String?
    /// `?tls=none`: the operator accepts sending in clear text to a server that offers no STARTTLS.
    var allowsPlaintext: Bool

    struct URLError: Error, CustomStringConvertible {
        let description: String
    }

    init(url raw: String) throws {
        guard let components = URLComponents(string: raw), let scheme = components.scheme?.lowercased(),
            let host = components.host, !host.isEmpty
        else { throw URLError(description: "AKINAI_SMTP_URL must look like smtp://host:port") }
        switch scheme {
        case "smtp": security = .opportunistic
        case "smtp+starttls": security = .startTLS
        case "smtps": security = .implicitTLS
        default: throw URLError(description: "AKINAI_SMTP_URL scheme must be smtp, smtp+starttls or smtps")
        }
        self.host = host
        self.port = components.port ?? (security == .implicitTLS ? 465 : 25)
        self.username = components.user?.removingPercentEncoding
        self.password = components.password?.removingPercentEncoding
        self.from = components.queryItems?.first { $0.name == "from" }?.value ?? "noreply@\(host)"
        self.heloName = "akinai.localdomain"
        self.caFile = components.queryItems?.first { $0.name == "ca" }?.value
        self.allowsPlaintext = components.queryItems?.first { $0.name == "tls" }?.value == "none"
    }

    var hostIsIPAddress: Bool {
        host.contains(":") || host.split(separator: ".").allSatisfy { Int($0) != nil }
    }

    var isLoopback: Bool { host == "127.0.0.1" || host == "::1" || host == "localhost" }

    var description: String { "SMTP \(host):\(port) (\(security.rawValue))" }
}
