import Foundation

@testable import App

/// Runs the built `akinai` executable against a test's database, as an operator would.
enum CLI {
    struct Result {
        let status: Int32
        let output: String
    }

    static var executable: URL {
        // Tests/AppTests/Support/CLI.swift → package root → .build/debug/akinai
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        if let override = ProcessInfo.processInfo.environment["AKINAI_BINARY"] { return URL(fileURLWithPath: override) }
        return url.appendingPathComponent(".build/debug/akinai")
    }

    static func run(
        _ arguments: [String],
        env: TestEnv,
        stdin: String? = nil,
        directory: String? = nil,
        extraEnvironment: [String: String] = [:]
    ) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        var environment = ProcessInfo.processInfo.environment.merging(extraEnvironment) { $1 }
        environment["AKINAI_DATA_DIR"] = env.directory
        environment["AKINAI_MASTER_KEY_FILE"] = env.config.masterKeyFile
        environment["AKINAI_LOG_LEVEL"] = "error"
        environment["AKINAI_SCRYPT_LOG_N"] = "10"
        switch env.config.database {
        case .sqlite(let path): environment["AKINAI_DATABASE_URL"] = "sqlite://" + path
        case .postgres(let url): environment["AKINAI_DATABASE_URL"] = url
        }
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let input = Pipe()
        process.standardInput = input
        try process.run()
        input.fileHandleForWriting.write(Data((stdin ?? "").utf8))
        try input.fileHandleForWriting.close()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }
}
