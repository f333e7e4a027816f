import FluentKit
import Vapor

/// The `akinai` command line beside Vapor's `serve` and `routes`.
enum Commands {
    static func register(_ app: Application) {
        app.asyncCommands.use(MigrateCommand(), as: "migrate")
        app.asyncCommands.use(TenantCommands(), as: "tenant")
        app.asyncCommands.use(TokenCommands(), as: "token")
        app.asyncCommands.use(AuditCommands(), as: "audit")
        app.asyncCommands.use(DemoCommand(), as: "demo")
        app.asyncCommands.use(OperatorCommands(), as: "operator")
        app.asyncCommands.use(StockCommands(), as: "stock")
        app.asyncCommands.use(BenchmarkCommand(), as: "benchmark")
    }
}

/// A command that failed, with a message for the operator; the process exits non-zero.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
}

/// A password given on the command line (visible to every user of the machine in the process list), or — better
/// — in a file, or on standard input with `/dev/stdin` as the file. Exactly one of the two; one trailing newline is dropped.
enum PasswordArgument {
    static let maximumFileSize = 4096

    static func read(value: String?, file: String?, flag: String) throws -> String? {
        switch (value, file) {
        case (nil, nil): return nil
        case (let value?, nil): return value
        case (_?, _?): throw CommandFailure(description: "give --\(flag) or --\(flag)-file, not both")
        case (nil, let file?):
            guard let handle = FileHandle(forReadingAtPath: file) else {
                throw CommandFailure(description: "--\(flag)-file: cannot read \(file)")
            }
            defer { try? handle.close() }
            let data = handle.readData(ofLength: maximumFileSize + 1)
            guard data.count <= maximumFileSize, var text = String(data: data, encoding: .utf8) else {
                throw CommandFailure(description: "--\(flag)-file: expected one line of UTF-8 text")
            }
            if text.hasSuffix("\r\n") {
                text.removeLast(1)
            } else if text.hasSuffix("\n") {
                text.removeLast()
            }
            guard !text.contains(where: \.isNewline) else {
                throw CommandFailure(description: "--\(flag)-file: expected one line of UTF-8 text")
            }
            return text
        }
    }
}

/// `akinai migrate`: applies pending migrations (they are also applied by every start, this says so).
struct MigrateCommand: AsyncCommand {
    struct Signature: CommandSignature {}
    var help: String { "Applies pending database migrations." }

    func run(using context: CommandContext, signature: Signature) async throws {
        // `configure` has already applied every pending migration before any command runs.
        context.console.print("Database is up to date (\(MigrationList.all.count) migrations).")
    }
}
