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

/// `akinai migrate`: applies pending migrations (they are also applied by every start, this says so).
struct MigrateCommand: AsyncCommand {
    struct Signature: CommandSignature {}
    var help: String { "Applies pending database migrations." }

    func run(using context: CommandContext, signature: Signature) async throws {
        // `configure` has already applied every pending migration before any command runs.
        context.console.print("Database is up to date (\(MigrationList.all.count) migrations).")
    }
}
