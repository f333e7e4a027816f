import Domain
import Vapor

/// `akinai stock …`
struct StockCommands: AsyncCommandGroup {
    var help: String { "Checks stock figures against the ledger." }
    var commands: [String: any AnyAsyncCommand] { ["rebuild": Rebuild()] }

    /// `akinai stock rebuild [--tenant CODE] [--repair]`: recomputes every figure from the ledger and reports
    /// each difference; with `--repair` the figures are set to the ledger's.
    struct Rebuild: AsyncCommand {
        struct Signature: CommandSignature {
            @Option(name: "tenant", help: "Only this tenant.") var tenant: String?
            @Flag(name: "repair", help: "Set differing figures to the ledger's sums.") var repair: Bool
        }
        var help: String { "Rebuilds stock figures from the ledger and reports differences (exit 1 if any)." }

        func run(using context: CommandContext, signature: Signature) async throws {
            let app = context.application
            var tenants = try await app.tenantDirectory.allTenants()
            if let code = signature.tenant { tenants = tenants.filter { $0.code == code.lowercased() } }
            var differing = 0
            for tenant in tenants {
                // tenancy: operator CLI, tenant named on the command line
                let tdb = app.tenantDirectory.tenantDatabase(tenant.id!)
                let stock = StockLedger(tdb: tdb, services: app.akinai, actor: .cli)
                let differences = try await stock.rebuild(repair: signature.repair)
                let codes = Dictionary(
                    uniqueKeysWithValues: try await tdb.query(SKURecord.self).all().map { ($0.id!, $0.code) }
                )
                for d in differences {
                    context.console.print(
                        "\(tenant.code) \(codes[d.sku] ?? d.sku.uuidString): stored on hand \(d.stored.onHand) reserved "
                            + "\(d.stored.reserved), ledger on hand \(d.ledger.onHand) reserved \(d.ledger.reserved)"
                            + (signature.repair ? " (repaired)" : "")
                    )
                }
                differing += differences.count
                if differences.isEmpty { context.console.print("\(tenant.code): stock agrees with the ledger") }
            }
            if differing > 0, !signature.repair {
                throw CommandFailure(description: "\(differing) stock figure(s) differ from the ledger")
            }
        }
    }
}
