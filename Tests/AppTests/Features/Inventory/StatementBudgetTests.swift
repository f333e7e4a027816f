import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

/// How many SQL statements the hot API routes cost (SQLite): one for the token with its shop and user, then one
/// per kind of row, never one per row (twenty SKUs cost what one does). The numbers are ceilings: a change that
/// makes a route read more fails here; one that makes it read less lowers them. Statements inside transactions
/// count too (a reservation: the token, the SKUs by code, then the default warehouse, set components, the claim
/// of the reference, one update per SKU, the ledger, and five for channel stock and reorder state; an order's intake
/// adds the buyer's earlier orders, the shop's published rules, the order, its lines, the savepoint around its
/// reservation, the counts, its history and three for the audit chain); the `BEGIN`, `SAVEPOINT` and `COMMIT` a batch of transactions shares are not counted.
@Suite struct StatementBudgetTests {
    @Test(.enabled(if: !TestDatabase.isPostgres, "counted through the SQLite driver's log"))
    func theHotRoutesStayWithinTheirStatementBudget() async throws {
        StatementCount.install()
        try await withApp { app, _ in
            let shop = try await app.makeTenant("shop-a")
            let tdb = app.akinai.tenantDatabase(shop.id, on: app.db)
            _ = try await DemoCatalog.seed(tdb, services: app.akinai)
            let sku = try await app.sku(shop, "TS-001")
            let admin = try #require(try await app.user(shop, email: shop.adminEmail))
            let token = try await app.makeToken(tenant: shop, userID: admin.id!, scopes: APITokenIssuer.allScopes)
            var headers = HTTPHeaders()
            headers.bearerAuthorization = .init(token: token)
            headers.contentType = .json
            func cost(_ method: HTTPMethod, _ path: String, body: String = "") async throws -> StatementCount {
                // Once to warm up (the token's last use is written at most once a minute), then counted.
                try await app.testing().test(method, path, headers: headers, body: ByteBuffer(string: body)) { _ in }
                return try await StatementCount.count {
                    try await app.testing().test(method, path, headers: headers, body: ByteBuffer(string: body)) {
                        res in
                        #expect(res.status.code < 300, "\(method) \(path)")
                    }
                }
            }
            let budgets: [(String, StatementCount, Int)] = [
                ("GET /api/v1/skus/{id}", try await cost(.GET, "/api/v1/skus/\(sku.id!)"), 3),
                ("GET /api/v1/stock/{id}", try await cost(.GET, "/api/v1/stock/\(sku.id!)"), 2),
                ("GET /api/v1/skus?perPage=20", try await cost(.GET, "/api/v1/skus?perPage=20"), 4),
            ]
            var writes: [(String, StatementCount, Int)] = []
            for index in 0..<2 {
                // Two orders: the first warms up, the second is counted.
                let reference = "budget-\(index)"
                let reserve = try await StatementCount.count {
                    try await app.testing().test(
                        .POST,
                        "/api/v1/reservations",
                        headers: headers,
                        body: ByteBuffer(
                            string: #"{"reference":"\#(reference)","lines":[{"sku":"TS-001","quantity":1}]}"#
                        )
                    ) { res in #expect(res.status == .created) }
                }
                let commit = try await StatementCount.count {
                    try await app.testing().test(.POST, "/api/v1/reservations/\(reference)/commit", headers: headers) {
                        res in #expect(res.status == .ok)
                    }
                }
                let order = try await StatementCount.count {
                    try await app.testing().test(
                        .POST,
                        "/api/v1/orders",
                        headers: headers,
                        body: ByteBuffer(string: OrdersAPITests.order("BUDGET-\(index)", sku: "TS-001"))
                    ) { res in #expect(res.status == .created) }
                }
                writes = [
                    ("POST /api/v1/reservations", reserve, 12), ("POST …/commit", commit, 9),
                    ("POST /api/v1/orders", order, 23),
                ]
            }
            for (route, counted, budget) in budgets + writes {
                #expect(counted.count > 0, "\(route): statements are counted at all")
                #expect(counted.count <= budget, "\(route): \(counted.count) statements: \(counted.sql)")
            }
        }
    }
}
