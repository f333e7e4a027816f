import Foundation
import NIOPosix
import Testing

@testable import App

@Suite(.serialized) struct SMTPClientTests {
    let mail = OutgoingMail(
        from: "Akinai <akinai@shop.example>",
        to: "hanako@example.jp",
        subject: "【商い堂】ご注文ありがとうございます",
        body: "山田様\n.\nご注文を承りました。"
    )

    @Test func anEnvelopeAddressNeverCarriesALineBreak() {
        #expect(!SMTPClient.breaksEnvelope(SMTPClient.address("店舗 <shop@example.jp>")))
        for bad in ["a@b.example\r\nRCPT TO:<x@evil.example>", "a@b.example\n", "a\u{0}@b.example", "a>@b", ""] {
            #expect(SMTPClient.breaksEnvelope(bad), "\(bad.debugDescription)")
        }
    }

    @Test func startTLSAndAuthPlainAgainstAiosmtpd() async throws {
        let sink = try SecureSMTPSink()
        defer { sink.stop() }
        let config = try SMTPConfiguration(
            url: "smtp+starttls://mailer:s3cret%20pass@localhost:\(sink.port)?ca=\(sink.certificate)"
        )
        let transport = MailTransport.smtp(config, group: MultiThreadedEventLoopGroup.singleton)
        try await transport.send(mail, UUID().uuidString, Date())
        #expect(sink.log.contains("TLS=True AUTH=True TO=hanako@example.jp"))
    }

    @Test func aWrongPasswordIsAnError() async throws {
        let sink = try SecureSMTPSink()
        defer { sink.stop() }
        let wrong = try SMTPConfiguration(
            url: "smtp+starttls://mailer:wrong@localhost:\(sink.port)?ca=\(sink.certificate)"
        )
        await #expect(throws: (any Error).self) {
            try await MailTransport.smtp(wrong, group: MultiThreadedEventLoopGroup.singleton).send(mail, "x", Date())
        }
        #expect(sink.log.isEmpty, "nothing was delivered")
    }

    /// The client refuses a certificate it cannot trust before sending anything.
    @Test func anUntrustedCertificateIsAnError() async throws {
        let sink = try SecureSMTPSink()
        defer { sink.stop() }
        let untrusted = try SMTPConfiguration(url: "smtp+starttls://mailer:s3cret%20pass@localhost:\(sink.port)")
        await #expect(throws: (any Error).self) {
            try await MailTransport.smtp(untrusted, group: MultiThreadedEventLoopGroup.singleton).send(
                mail,
                "y",
                Date()
            )
        }
        #expect(sink.log.isEmpty, "nothing was delivered")
    }

    /// A man in the middle appends a clear-text reply to the server's "220 ready" for STARTTLS, hoping the
    /// client reads it as if it came over TLS (the CVE-2011-0411 class). The fake server then really speaks
    /// TLS, so a client without the check would go on and name the sender; this one stops before TLS.
    @Test(arguments: [false, true])
    func aReplyInjectedBeforeTheTLSHandshakeStopsTheClient(_ inject: Bool) async throws {
        let directory = NSTemporaryDirectory() + "akinai-fake-smtp-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try ExternalTools.makeCertificate(in: directory)
        let log = directory + "/commands.log"
        let port = ExternalTools.freePort()
        let server = try ExternalTools.serve(
            script: """
                import socket, ssl, sys
                port, log, folder, inject = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4] == "true"
                context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
                context.load_cert_chain(folder + "/cert.pem", folder + "/key.pem")
                s = socket.socket()
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind(("127.0.0.1", port))
                s.listen(5)
                s.settimeout(60)
                def converse(c, greet):
                    if greet:
                        c.sendall(b"220 fake ESMTP\\r\\n")
                    for line in c.makefile("rb"):
                        with open(log, "ab") as f:
                            f.write(line)
                        command = line.strip().upper()
                        if command.startswith(b"EHLO"):
                            c.sendall(b"250-fake\\r\\n250 STARTTLS\\r\\n")
                        elif command == b"STARTTLS":
                            c.sendall(b"220 ready\\r\\n" + (b"250 injected\\r\\n" if inject else b""))
                            return converse(context.wrap_socket(c, server_side=True), False)
                        elif command == b"DATA":
                            c.sendall(b"354 go\\r\\n")
                        elif command == b"QUIT":
                            c.sendall(b"221 bye\\r\\n")
                            return
                        else:
                            c.sendall(b"250 ok\\r\\n")
                while True:
                    c, _ = s.accept()
                    try:
                        converse(c, True)
                    except Exception:
                        pass
                    c.close()
                """,
            arguments: [String(port), log, directory, String(inject)],
            port: port
        )
        defer { ExternalTools.stop(server, removing: directory) }
        let config = try SMTPConfiguration(url: "smtp://localhost:\(port)?ca=\(directory)/cert.pem")
        let transport = MailTransport.smtp(config, group: MultiThreadedEventLoopGroup.singleton)
        if inject {
            await #expect(throws: (any Error).self) { try await transport.send(mail, "z", Date()) }
        } else {
            try await transport.send(mail, "z", Date())
        }
        let commands = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(commands.contains("STARTTLS"), "the client asked for TLS")
        // Without the injection the same server gets the mail (over TLS): the refusal above is the check's doing.
        #expect(commands.contains("MAIL FROM") == !inject, "\(commands)")
    }

    @Test func thePasswordIsNeverSentInTheClearToARemoteServer() throws {
        let config = try SMTPConfiguration(url: "smtp://user:pw@mail.example.jp:587")
        #expect(config.security == .opportunistic)
        #expect(!config.isLoopback)
        #expect(throws: (any Error).self) { try SMTPConfiguration(url: "http://mail.example.jp") }
    }

    @Test func renderedMailKeepsJapaneseIntactAndRefusesHeaderInjection() {
        let raw = mail.rendered(date: Date(timeIntervalSince1970: 0), messageID: "id@akinai")
        #expect(raw.contains("Subject: =?UTF-8?B?"))
        #expect(!raw.contains("ご注文"), "the body travels as base64")
        let injected = OutgoingMail(
            from: "a@b.example",
            to: "c@d.example\r\nBcc: x@evil.example",
            subject: "s\r\nX: y",
            body: "b"
        )
        let rendered = injected.rendered(date: Date(), messageID: "m")
        #expect(!rendered.contains("\r\nBcc:"))
        #expect(!rendered.contains("\r\nX: y"))
    }
}
