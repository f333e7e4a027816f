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
