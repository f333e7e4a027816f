import Foundation
import NIOCore
import NIOExtras
import NIOPosix
import NIOSSL

/// A small SMTP client (RFC 5321): EHLO, STARTTLS (RFC 3207), AUTH PLAIN/LOGIN (RFC 4954), one message.
struct SMTPClient: Sendable {
    let configuration: SMTPConfiguration
    let group: any EventLoopGroup

    /// A reply from the server: its code and text lines.
    struct Reply: Sendable {
        let code: Int
        let lines: [String]
    }

    /// The server answered with something other than what the step needs.
    struct SMTPError: Error, CustomStringConvertible {
        let description: String
    }

    /// The longest one delivery may take, from connecting to QUIT.
    static let maximumConversation: TimeInterval = 120

    func send(_ mail: OutgoingMail, messageID: String, date: Date) async throws {
        let handler = ReplyHandler()
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        if let caFile = configuration.caFile { tls.trustRoots = .file(caFile) }
        let tlsContext = try NIOSSLContext(configuration: tls)
        // SNI and name checks need a DNS name; an IP address is checked by its certificate chain only.
        let host: String? = configuration.hostIsIPAddress ? nil : configuration.host
        let implicitTLS = configuration.security == .implicitTLS
        let channel = try await ClientBootstrap(group: group)
            .connectTimeout(.seconds(10))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if implicitTLS {
                        try channel.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: tlsContext, serverHostname: host)
                        )
                    }
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
            .connect(host: configuration.host, port: configuration.port).get()
        let session = Session(channel: channel, handler: handler)
        // However slowly the server answers, the whole conversation ends within `maximumConversation`, well
        // inside the job's lease, so a lease never expires while a mail is still being handed over (which would
        // send it twice).
        let deadline = channel.eventLoop.scheduleTask(in: .seconds(Int64(Self.maximumConversation))) {
            channel.close(promise: nil)
        }
        defer { deadline.cancel() }
        do {
            try await run(session, mail: mail, messageID: messageID, date: date, tlsContext: tlsContext)
            _ = try? await session.command("QUIT", expect: [221])
            try? await channel.close()
        } catch {
            try? await channel.close()
            throw error
        }
    }

    private func run(
        _ session: Session,
        mail: OutgoingMail,
        messageID: String,
        date: Date,
        tlsContext: NIOSSLContext
    ) async throws {
        try await session.expect([220])
        var extensions = try await session.command("EHLO \(configuration.heloName)", expect: [250]).lines
        var secure = configuration.security == .implicitTLS
        let offersTLS = extensions.contains { $0.uppercased().hasPrefix("STARTTLS") }
        if !secure && (configuration.security == .startTLS || offersTLS) {
            guard offersTLS else { throw SMTPError(description: "the server does not offer STARTTLS") }
            try await session.command("STARTTLS", expect: [220])
            let channel = session.channel
            // Anything the server sent after its 220 arrived in clear text and could have been injected by a
            // man in the middle (CVE-2011-0411 style): refuse rather than read it as if it came over TLS. The check
            // and the TLS handler go in in one turn of the event loop, so nothing can arrive between them.
            let host: String? = configuration.hostIsIPAddress ? nil : configuration.host
            let injected = try await channel.eventLoop.submit {
                guard session.handler.discardBuffered() == 0 else { return true }
                let handler = try NIOSSLClientHandler(context: tlsContext, serverHostname: host)
                try channel.pipeline.syncOperations.addHandler(handler, position: .first)
                return false
            }.get()
            guard !injected else {
                throw SMTPError(description: "the SMTP server sent data after STARTTLS before the TLS handshake")
            }
            secure = true
            extensions = try await session.command("EHLO \(configuration.heloName)", expect: [250]).lines
        }
        guard secure || configuration.isLoopback || configuration.allowsPlaintext else {
            throw SMTPError(
                description:
                    "the SMTP server offers no STARTTLS; add ?tls=none to AKINAI_SMTP_URL to send in clear text"
            )
        }
        if let username = configuration.username {
            guard secure || configuration.isLoopback else {
                throw SMTPError(description: "refusing to send the SMTP password without TLS")
            }
            let password = configuration.password ?? ""
            let auth = extensions.first { $0.uppercased().hasPrefix("AUTH") }?.uppercased() ?? ""
            if auth.contains("PLAIN") || !auth.contains("LOGIN") {
                let token = Data("\0\(username)\0\(password)".utf8).base64EncodedString()
                try await session.command("AUTH PLAIN \(token)", expect: [235], redact: true)
            } else {
                try await session.command("AUTH LOGIN", expect: [334])
                try await session.command(Data(username.utf8).base64EncodedString(), expect: [334], redact: true)
                try await session.command(Data(password.utf8).base64EncodedString(), expect: [235], redact: true)
            }
        }
        let (from, to) = (Self.address(mail.from), Self.address(mail.to))
        // Every address is a checked EmailAddress already; this keeps a line break out of the envelope whatever a
        // later caller passes.
        guard ![from, to].contains(where: Self.breaksEnvelope) else {
            throw SMTPError(description: "refusing an envelope address with a control character or angle bracket")
        }
        try await session.command("MAIL FROM:<\(from)>", expect: [250])
        try await session.command("RCPT TO:<\(to)>", expect: [250, 251])
        try await session.command("DATA", expect: [354])
        // Dot-stuffing (RFC 5321 §4.5.2): a line starting with "." gets another.
        let data = mail.rendered(date: date, messageID: messageID).split(
            separator: "\r\n",
            omittingEmptySubsequences: false
        )
        .map { $0.hasPrefix(".") ? "." + $0 : String($0) }.joined(separator: "\r\n")
        try await session.write(data + "\r\n.\r\n")
        try await session.expect([250])
    }

    /// Whether `address` holds something that would end or bend an SMTP command line.
    static func breaksEnvelope(_ address: String) -> Bool {
        address.isEmpty
            || address.unicodeScalars.contains {
                $0.value < 0x20 || $0.value == 0x7F || "<>".unicodeScalars.contains($0)
            }
    }

    /// The bare address of `Name <a@b>` or `a@b`.
    static func address(_ text: String) -> String {
        if let open = text.firstIndex(of: "<"), let close = text.lastIndex(of: ">"), open < close {
            return String(text[text.index(after: open)..<close])
        }
        return text.trimmingCharacters(in: .whitespaces)
    }

    /// One connection: writes commands and awaits replies.
    struct Session {
        let channel: any Channel
        let handler: ReplyHandler

        func write(_ text: String) async throws {
            try await channel.writeAndFlush(ByteBuffer(string: text)).get()
        }

        @discardableResult
        func expect(_ codes: Set<Int>) async throws -> Reply {
            let reply = try await handler.next(on: channel.eventLoop).get()
            guard codes.contains(reply.code) else {
                throw SMTPError(description: "SMTP server answered \(reply.code) \(reply.lines.joined(separator: " "))")
            }
            return reply
        }

        @discardableResult
        func command(_ line: String, expect codes: Set<Int>, redact: Bool = false) async throws -> Reply {
            try await write(line + "\r\n")
            do {
                return try await expect(codes)
            } catch let error as SMTPError {
                let shown = redact ? String(line.prefix(10)) + "…" : line
                throw SMTPError(description: "\(shown): \(error.description)")
            }
        }
    }

    /// Collects reply lines (`250-…` continues, `250 …` ends) and hands complete replies to waiters.
    /// Touched only on its channel's event loop.
    final class ReplyHandler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer

        private var lines: [String] = []
        private var ready: [Result<Reply, any Error>] = []
        private var waiting: [EventLoopPromise<Reply>] = []
        /// Bytes received that do not end a line yet. Framing is done here, not by a decoder in front, so that
        /// `discardBuffered` sees every byte that arrived before TLS started.
        private var pending = ByteBuffer()

        /// Drops every reply, line and byte received but not yet read; returns how many bytes and replies that was.
        func discardBuffered() -> Int {
            let count = pending.readableBytes + lines.count + ready.count
            pending.clear()
            lines = []
            ready = []
            return count
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var buffer = unwrapInboundIn(data)
            pending.writeBuffer(&buffer)
            while let newline = pending.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) {
                let line = pending.readString(length: newline - pending.readerIndex) ?? ""
                pending.moveReaderIndex(forwardBy: 1)
                handle(line)
            }
            // A reply line is at most 512 bytes (RFC 5321 §4.5.3.1.5); a server sending endless bytes is cut off.
            if pending.readableBytes > 4096 {
                deliver(.failure(SMTPError(description: "the SMTP server sent an over-long line")))
                context.close(promise: nil)
            }
            pending.discardReadBytes()
        }

        private func handle(_ raw: String) {
            var line = raw
            if line.hasSuffix("\r") { line.removeLast() }
            let code = Int(line.prefix(3)) ?? 0
            let text = line.count > 4 ? String(line.dropFirst(4)) : ""
            lines.append(text)
            let separator = line.count > 3 ? line[line.index(line.startIndex, offsetBy: 3)] : " "
            guard separator != "-" else { return }
            deliver(.success(Reply(code: code, lines: lines)))
            lines = []
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            deliver(.failure(error))
            context.close(promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) {
            for promise in waiting { promise.fail(SMTPError(description: "the SMTP server closed the connection")) }
            waiting = []
            context.fireChannelInactive()
        }

        private func deliver(_ result: Result<Reply, any Error>) {
            if waiting.isEmpty {
                ready.append(result)
            } else {
                waiting.removeFirst().completeWith(result)
            }
        }

        func next(on loop: any EventLoop) -> EventLoopFuture<Reply> {
            loop.flatSubmit {
                if !self.ready.isEmpty { return loop.makeCompletedFuture(self.ready.removeFirst()) }
                let promise = loop.makePromise(of: Reply.self)
                self.waiting.append(promise)
                // A server that stops answering must not hold a worker forever.
                let timeout = loop.scheduleTask(in: .seconds(60)) {
                    if let index = self.waiting.firstIndex(where: { $0.futureResult === promise.futureResult }) {
                        self.waiting.remove(at: index)
                        promise.fail(SMTPError(description: "the SMTP server did not answer within 60 s"))
                    }
                }
                promise.futureResult.whenComplete { _ in timeout.cancel() }
                return promise.futureResult
            }
        }
    }
}
