import Foundation
import SQLKit
import Testing

@testable import App

/// Akinai's own SQLite connections (the writer and the readers behind `TenantDatabase.statements` and `read`).
@Suite struct SQLiteThreadTests {
    /// A reader opens the file read-only: a write through it is refused and changes nothing, and it reads what the
    /// writer committed as soon as the writer answered.
    @Test(.enabled(if: !TestDatabase.isPostgres, "SQLite's own connections"))
    func aReaderCannotWriteAndReadsWhatWasCommitted() async throws {
        try await withApp { app, _ in
            let shop = try await app.makeTenant("shop-a")
            let tdb = app.akinai.tenantDatabase(shop.id, on: app.db)
            let name = { @Sendable () async throws -> String in
                try await tdb.read { sql in
                    try await sql.all(
                        "SELECT name FROM warehouses WHERE tenant_id = \(bind: sql.tenantID) AND code = 'main'"
                    )
                    .first?.decode(column: "name", as: String.self) ?? ""
                }
            }
            let warehouse = try await app.stock(shop).defaultWarehouse()
            await #expect(throws: SQLiteThreadError.self) {
                try await tdb.read { sql in
                    try await sql.run(
                        "UPDATE warehouses SET name = 'x' WHERE tenant_id = \(bind: sql.tenantID) AND id = \(bind: warehouse.id!)"
                    )
                }
            }
            #expect(try await name() == warehouse.name)
            for round in 0..<20 {
                try await tdb.statements { sql in
                    try await sql.run(
                        """
                        UPDATE warehouses SET name = \(bind: "倉庫 \(round)")
                        WHERE tenant_id = \(bind: sql.tenantID) AND id = \(bind: warehouse.id!)
                        """
                    )
                }
                #expect(try await name() == "倉庫 \(round)", "round \(round)")
            }
        }
    }

    /// A body that fails is rolled back alone, whatever else its batch held; one that joins an open transaction
    /// of statements writes in it.
    @Test func aFailingTransactionOfStatementsChangesNothing() async throws {
        try await withApp { app, _ in
            let shop = try await app.makeTenant("shop-a")
            let tdb = app.akinai.tenantDatabase(shop.id, on: app.db)
            let warehouse = try await app.stock(shop).defaultWarehouse()
            struct Refused: Error {}
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        do {
                            try await tdb.statements { sql in
                                try await sql.run(
                                    """
                                    UPDATE warehouses SET name = \(bind: "名前 \(index)")
                                    WHERE tenant_id = \(bind: sql.tenantID) AND id = \(bind: warehouse.id!)
                                    """
                                )
                                // Nested: joins the open transaction, so its failure takes the update back too.
                                try await tdb.statements { _ in if index % 2 == 1 { throw Refused() } }
                            }
                        } catch is Refused {}
                    }
                }
                try await group.waitForAll()
            }
            let name = try #require(try await tdb.find(WarehouseRecord.self, warehouse.id)).name
            #expect(name.hasPrefix("名前 "))
            let index = try #require(Int(name.dropFirst(3)))
            #expect(index % 2 == 0, "the last name written is one whose transaction committed: \(name)")
        }
    }

    /// A transaction begun inside a read, or a Fluent transaction inside a transaction of statements, is refused
    /// at once on both engines: on SQLite it would wait for its own connection or write around it.
    @Test func transactionsThatCannotNestAreRefusedAlikeOnBothEngines() async throws {
        try await withApp { app, _ in
            let shop = try await app.makeTenant("shop-a")
            let tdb = app.akinai.tenantDatabase(shop.id, on: app.db)
            let warehouse = try await app.stock(shop).defaultWarehouse()
            let rename: @Sendable (TenantSQL) async throws -> Void = { sql in
                try await sql.run(
                    "UPDATE warehouses SET name = 'x' WHERE tenant_id = \(bind: sql.tenantID) AND id = \(bind: warehouse.id!)"
                )
            }
            await #expect(throws: StatementsOnly.self) { try await tdb.read { _ in try await tdb.statements(rename) } }
            await #expect(throws: StatementsOnly.self) {
                try await tdb.read { _ in try await tdb.transaction { _ in } }
            }
            await #expect(throws: StatementsOnly.self) {
                try await tdb.statements { _ in try await tdb.transaction { _ in } }
            }
            await #expect(throws: StatementsOnly.self) {
                try await tdb.statements { _ in try await tdb.update(warehouse) }
            }
            // Reads nest in reads and in transactions; statements nest in statements.
            try await tdb.statements { _ in try await tdb.read { _ in } }
            try await tdb.read { _ in try await tdb.read { _ in } }
            try await tdb.statements { sql in try await tdb.statements(rename) }
            #expect(try await tdb.find(WarehouseRecord.self, warehouse.id)?.name == "x")
        }
    }
}
