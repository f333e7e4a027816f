import Foundation
import Testing
import Vapor

@testable import App

/// The `akinai` binary as an operator runs it: from any directory, with passwords kept out of the process list.
@Suite struct CommandLineTests {
    @Test func theBinaryRunsFromAnyDirectoryAndTakesPasswordsFromAFileOrStandardInput() async throws {
        try await withApp { app, env in
            let elsewhere = NSTemporaryDirectory() + "akinai-cwd-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: elsewhere) }

            let fromStdin = try CLI.run(
                [
                    "tenant", "create", "--code", "shop-x", "--name", "商い堂", "--admin-email", "a@shop-x.example",
                    "--admin-password-file", "/dev/stdin",
                ],
                env: env,
                stdin: "piped passphrase 1\n",
                directory: elsewhere
            )
            #expect(fromStdin.status == 0, "\(fromStdin.output)")
            #expect(
                try await Browser(app).signIn(
                    tenant: "shop-x",
                    email: "a@shop-x.example",
                    password: "piped passphrase 1"
                )
                .status == .seeOther
            )

            let file = elsewhere + "/operator-password"
            try Data("filed passphrase 2\r\n".utf8).write(to: URL(fileURLWithPath: file))
            let fromFile = try CLI.run(
                ["operator", "create", "--email", "ops@akinai.example", "--password-file", file],
                env: env,
                directory: elsewhere
            )
            #expect(fromFile.status == 0, "\(fromFile.output)")
            // The operator's sign-in goes on to second-factor enrolment: the password was right.
            let signIn = try await Browser(app).signIn(
                tenant: "operator",
                email: "ops@akinai.example",
                password: "filed passphrase 2"
            )
            #expect(signIn.status == .seeOther)

            let both = try CLI.run(
                ["operator", "create", "--email", "o2@akinai.example", "--password", "x", "--password-file", file],
                env: env
            )
            #expect(both.status != 0 && both.output.contains("not both"))
            let missing = try CLI.run(
                ["operator", "create", "--email", "o2@akinai.example", "--password-file", elsewhere + "/nope"],
                env: env
            )
            #expect(missing.status != 0 && missing.output.contains("cannot read"))
        }
    }

    @Test func missingResourcesStopTheStartWithOneClearSentence() async throws {
        try await withApp { _, env in
            let result = try CLI.run(
                ["migrate"],
                env: env,
                directory: NSTemporaryDirectory(),
                extraEnvironment: ["AKINAI_RESOURCES_DIR": "/nonexistent/akinai"]
            )
            #expect(result.status != 0)
            #expect(result.output.contains("AKINAI_RESOURCES_DIR is /nonexistent/akinai"), "\(result.output)")
            #expect(!result.output.contains("Fatal error"))
        }
    }
}
