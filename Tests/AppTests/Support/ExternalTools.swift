import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Independent tools the tests check Akinai against: pyotp for TOTP, aiosmtpd as the mail server.
/// `scripts/test` installs them into `.venv` and sets `AKINAI_TEST_PYTHON`.
enum ExternalTools {
    static var python: String {
        if let configured = ProcessInfo.processInfo.environment["AKINAI_TEST_PYTHON"] { return configured }
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        let venv = url.appendingPathComponent(".venv/bin/python3").path
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : "/usr/bin/python3"
    }

    /// Runs `python3 -c script args…` and returns its standard output, trimmed.
    static func python(_ script: String, _ arguments: [String] = []) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script] + arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let problem = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ToolError(description: "python failed: " + String(decoding: problem, as: UTF8.self))
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The code pyotp computes for an `otpauth://` URI at a moment.
    static func pyotpCode(uri: String, at date: Date) throws -> String {
        try python(
            "import sys, pyotp; print(pyotp.parse_uri(sys.argv[1]).at(int(sys.argv[2])))",
            [uri, String(Int(date.timeIntervalSince1970))]
        )
    }

    struct ToolError: Error, CustomStringConvertible {
        let description: String
    }

    /// Starts `python3 -c script args…` in the background, silenced, and waits until it accepts connections on
    /// `port` (the scripts stop by themselves when the test process ends).
    static func serve(script: String, arguments: [String], port: Int) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Up to 30 s: under a full parallel suite a Python start alone can take seconds.
        for _ in 0..<300 where process.isRunning {
            if (try? self.python(
                "import socket,sys; socket.create_connection(('127.0.0.1', int(sys.argv[1])), 0.2).close()",
                [String(port)]
            )) != nil {
                return process
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        kill(process.processIdentifier, SIGKILL)
        throw ToolError(
            description: "the test server on port \(port) did not start" + (process.isRunning ? "" : " (it exited)")
        )
    }

    /// A loopback port no one listens on now: the kernel's pick for a socket bound to port 0, so two servers of
    /// the suite never draw the same one.
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(fd, raw, length) == 0 && getsockname(fd, raw, &length) == 0
            }
        }
        return bound ? Int(UInt16(bigEndian: address.sin_port)) : Int.random(in: 30000..<60000)
    }

    /// A self-signed certificate for `localhost` and 127.0.0.1: `cert.pem` and `key.pem` in `directory`.
    static func makeCertificate(in directory: String) throws {
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", directory + "/key.pem", "-out",
            directory + "/cert.pem", "-days", "1", "-subj", "/CN=localhost", "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1",
        ]
        openssl.standardOutput = FileHandle.nullDevice
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
    }

    /// Stops a server started by `serve` and removes its files.
    static func stop(_ process: Process, removing directory: String) {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// An aiosmtpd server on a loopback port that stores what it receives in a maildir.
final class SMTPSink: @unchecked Sendable {
    let port: Int
    let maildir: String
    private let process: Process

    static let script = """
        import os, sys, time
        from aiosmtpd.controller import Controller
        from aiosmtpd.handlers import Mailbox
        controller = Controller(Mailbox(sys.argv[2]), hostname="127.0.0.1", port=int(sys.argv[1]))
        controller.start()
        # Never outlive the test process, nor two minutes.
        parent, started = os.getppid(), time.time()
        while os.getppid() == parent and time.time() - started < 120:
            time.sleep(0.2)
        os._exit(0)
        """

    init() throws {
        port = ExternalTools.freePort()
        maildir = NSTemporaryDirectory() + "akinai-maildir-" + UUID().uuidString
        process = try ExternalTools.serve(script: Self.script, arguments: [String(port), maildir], port: port)
    }

    deinit { stop() }

    func stop() {
        ExternalTools.stop(process, removing: maildir)
    }

    /// One received message.
    struct Message {
        let to: String
        let subject: String
        let body: String
    }

    /// Every message received, decoded with Python's own `email` package.
    func messages() throws -> [Message] {
        let script = """
            import json, mailbox, sys
            from email import policy
            from email.parser import BytesParser
            out = []
            box = mailbox.Maildir(sys.argv[1], factory=None, create=False)
            for key in sorted(box.keys()):
                msg = BytesParser(policy=policy.default).parsebytes(box.get_bytes(key))
                out.append({"to": str(msg["To"]), "subject": str(msg["Subject"]), "body": msg.get_content()})
            print(json.dumps(out))
            """
        guard FileManager.default.fileExists(atPath: maildir) else { return [] }
        let json = try ExternalTools.python(script, [maildir])
        let decoded = try JSONDecoder().decode([[String: String]].self, from: Data(json.utf8))
        return decoded.map { Message(to: $0["to"] ?? "", subject: $0["subject"] ?? "", body: $0["body"] ?? "") }
    }

    /// The paths of the links in every message to `address`. Maildir names do not sort in delivery order
    /// within a second, so callers pick the link they need rather than "the newest".
    func links(to address: String) throws -> [String] {
        try messages().filter { $0.to == address }.compactMap { message in
            guard let range = message.body.range(of: "https?://[^\\s]+", options: .regularExpression) else {
                return nil
            }
            return URL(string: String(message.body[range]))?.path
        }
    }

    /// The link mailed to `address`, when exactly one was.
    func link(to address: String) throws -> String? {
        let all = Set(try links(to: address))
        return all.count == 1 ? all.first : nil
    }
}

/// An aiosmtpd server that insists on STARTTLS and AUTH, with a certificate made for the test.
final class SecureSMTPSink: @unchecked Sendable {
    let port: Int
    let directory: String
    let received: String
    private let process: Process

    static let script = """
        import os, sys, time, ssl
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult
        port, cert, key, out = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
        class Handler:
            async def handle_DATA(self, server, session, envelope):
                with open(out, "a") as f:
                    f.write("TLS=%s AUTH=%s TO=%s\\n" % (session.ssl is not None, session.authenticated, ",".join(envelope.rcpt_tos)))
                return "250 OK"
        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = auth_data.login == b"mailer" and auth_data.password == b"s3cret pass"
            return AuthResult(success=ok, handled=False)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        controller = Controller(Handler(), hostname="127.0.0.1", port=port, tls_context=context,
            require_starttls=True, auth_required=True, auth_require_tls=True, authenticator=authenticator)
        controller.start()
        # Never outlive the test process, nor two minutes.
        parent, started = os.getppid(), time.time()
        while os.getppid() == parent and time.time() - started < 120:
            time.sleep(0.2)
        os._exit(0)
        """

    init() throws {
        port = ExternalTools.freePort()
        directory = NSTemporaryDirectory() + "akinai-tls-" + UUID().uuidString
        received = directory + "/received.txt"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try ExternalTools.makeCertificate(in: directory)
        process = try ExternalTools.serve(
            script: Self.script,
            arguments: [String(port), directory + "/cert.pem", directory + "/key.pem", received],
            port: port
        )
    }

    var certificate: String { directory + "/cert.pem" }

    func stop() {
        ExternalTools.stop(process, removing: directory)
    }

    deinit { stop() }

    var log: String { (try? String(contentsOfFile: received, encoding: .utf8)) ?? "" }
}
