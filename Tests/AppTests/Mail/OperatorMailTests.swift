import Domain
import FluentKit
import Foundation
import Testing
import Vapor

@testable import App

@Suite struct OperatorMailTests {
    @Test func withoutSMTPMailsBecomeEmlFilesListedForOperatorsOnly() async throws {
        let clock = TestClock()
        try await withApp(clock: clock) { app, env in
            // The live default transport: files under the data directory.
            var services = app.akinai
            services.mailer = .files(directory: env.config.dataDirectory + "/mail")
            app.akinai = services

            let created = try CLI.run(
                ["operator", "create", "--email", "ops@akinai.example", "--password", "night shift passphrase"],
                env: env
            )
            #expect(created.status == 0, "\(created.output)")
            let refused = try CLI.run(
                [
                    "tenant", "create", "--code", "operator", "--name", "x", "--admin-email", "a@b.example",
                    "--admin-password", "long enough password",
                ],
                env: env
            )
            #expect(refused.status != 0)

            let shop = try await app.makeTenant("shop-a", name: "商い堂")
            let admin = Browser(app)
            try await admin.signIn(shop)
            try await admin.post(
                "/settings/users",
                [("email", "new@shop-a.example"), ("name", "新井"), ("role", "viewer")]
            )
            try await app.runJobs()

            let files = try FileManager.default.contentsOfDirectory(atPath: env.config.dataDirectory + "/mail")
            let name = try #require(files.first { $0.hasSuffix(".eml") })
            let raw = try String(contentsOfFile: env.config.dataDirectory + "/mail/" + name, encoding: .utf8)
            #expect(raw.contains("Subject: =?UTF-8?B?"))
            #expect(raw.contains("Content-Type: text/plain; charset=UTF-8"))
            #expect(raw.contains("To: new@shop-a.example"))

            #expect(try await admin.get("/operator/mail").status == .notFound, "shops have no operator console")
            let operatorBrowser = Browser(app)
            // The operator tenant always requires a second factor: the first sign-in goes to enrolment.
            let signedIn = try await operatorBrowser.signIn("operator", "ops@akinai.example", "night shift passphrase")
            #expect(signedIn.location == "/account/two-factor")
            #expect(try await operatorBrowser.get("/operator/mail").location == "/account/two-factor")
            _ = try await enrolTOTP(operatorBrowser, clock: clock)
            let page = try await operatorBrowser.get("/operator/mail")
            #expect(page.status == .ok)
            #expect(page.body.contains("new@shop-a.example"))
            #expect(page.body.contains("商い堂 への招待"))
            #expect(page.body.contains(name))
            // The envelope only: the invitation link in the mail never reaches the operator.
            #expect(!page.body.contains("/invitation/"))
            let download = try await operatorBrowser.get("/operator/mail/files/\(name)")
            #expect(download.status == .notFound)
            #expect(!download.body.contains("MIME-Version: 1.0"))
            for hostile in ["..%2Fmaster.key", "%2E%2E%2Fakinai.sqlite", "missing.eml"] {
                let probe = try await operatorBrowser.get("/operator/mail/files/\(hostile)")
                // The file middleware refuses ".." outright (403); a name that is not listed is a 404.
                #expect([.notFound, .forbidden].contains(probe.status), "\(hostile): \(probe.status)")
                #expect(!probe.body.contains("SQLite") && probe.body.count < 5000)
            }
        }
    }
}
