import Domain
import FluentKit
import Foundation
import SQLKit
import Testing
import Vapor

@testable import App

/// One request never stops the server; counters, single-use secrets and stock changes hold under concurrency.
/// Each test here runs on SQLite and, in CI, on PostgreSQL.
@Suite struct HardeningTests {
    static func api(_ app: Application, _ shop: TestTenant) async throws -> Browser {
        let admin = try #require(try await app.user(shop, email: shop.adminEmail))
        let browser = Browser(app)
        browser.headers.bearerAuthorization = .init(
            token: try await app.makeToken(tenant: shop, userID: admin.id!, scopes: APITokenIssuer.allScopes)
        )
        return browser
    }

    static func json(_ browser: Browser, _ path: String, _ body: String) async throws -> Browser.Page {
        try await browser.send(.POST, path, headers: ["Content-Type": "application/json"], body: body)
    }

    /// A shop with SKU `A` holding `units` in the default warehouse.
    static func shopWithStock(_ app: Application, units: Int) async throws -> (TestTenant, SKURecord) {
        let shop = try await app.makeTenant("shop-a")
        try await app.makeProduct(
            shop,
            ProductInput(
                code: "P1",
                name: "商品",
                supplier: nil,
                labels: nil,
                skus: [ReservationConcurrencyTests.plain("A")]
            )
        )
        let sku = try await app.sku(shop, "A")
        let warehouse = try await app.stock(shop).defaultWarehouse()
        try await app.stock(shop).move(sku: sku, warehouseID: warehouse.typedID, kind: .receipt, quantity: units)
        return (shop, sku)
    }

    // MARK: Numbers from outside

    @Test func hugeAndNegativeQuantitiesAreRefusedAndTheServerKeepsAnswering() async throws {
        try await withApp { app, _ in
            let (shop, sku) = try await Self.shopWithStock(app, units: 10)
            let api = try await Self.api(app, shop)
            let max = Int.max
            let bodies = [
                #"{"reference":"o1","lines":[{"sku":"A","quantity":\#(max)},{"sku":"A","quantity":\#(max)}]}"#,
                #"{"reference":"o2","lines":[{"sku":"A","quantity":-1}]}"#,
                #"{"reference":"o3","lines":[{"sku":"A","quantity":1e308}]}"#,
                #"{"reference":"o4","lines":[{"sku":"A","quantity":"NaN"}]}"#,
                #"{"reference":"o5","lines":[{"sku":"A","quantity":1000001}]}"#,
            ]
            for body in bodies {
                let page = try await Self.json(api, "/api/v1/reservations", body)
                #expect((400..<500).contains(page.status.code), "\(body) → \(page.status)")
                #expect(page.body.contains("\"error\""))
            }
            let lines = Array(repeating: #"{"sku":"A","quantity":1}"#, count: 10_000).joined(separator: ",")
            let many = try await Self.json(api, "/api/v1/reservations", #"{"reference":"o6","lines":[\#(lines)]}"#)
            #expect((400..<500).contains(many.status.code))
            for quantity in ["\(Int.min)", "\(Int.max)", "-0", "0"] {
                let page = try await Self.json(
                    api,
                    "/api/v1/stock/movements",
                    #"{"sku":"A","kind":"adjustment","quantity":\#(quantity),"reason":"x"}"#
                )
                #expect(page.status == .unprocessableEntity, "quantity \(quantity)")
            }
            let big = String(repeating: "x", count: 10 << 20)
            let huge = try await Self.json(api, "/api/v1/reservations", #"{"reference":"\#(big)","lines":[]}"#)
            #expect((400..<500).contains(huge.status.code))
            // Nothing changed, and the server still answers.
            let stock = try await app.stock(shop).figures([sku.id!])[sku.id!]
            #expect(stock == StockFigures(onHand: 10, reserved: 0))
            #expect(try await api.get("/health").status == .ok)
        }
    }

    @Test func outOfRangePagingIsRefusedNotClamped() async throws {
        try await withApp { app, _ in
            let (shop, _) = try await Self.shopWithStock(app, units: 1)
            let api = try await Self.api(app, shop)
            for query in ["perPage=0", "perPage=201", "page=0", "page=\(Int.max)", "sort=price", "perPage=-1"] {
                let page = try await api.get("/api/v1/skus?\(query)")
                #expect(page.status == .unprocessableEntity, "\(query) → \(page.status)")
            }
            #expect(try await api.get("/api/v1/skus?perPage=200&page=1").status == .ok)
            let unauthorized = try await Browser(app).get("/api/v1/skus")
            #expect(unauthorized.status == .unauthorized)
            #expect(unauthorized.headers.first(name: .wwwAuthenticate)?.hasPrefix("Bearer") == true)
        }
    }

    @Test func repeatedPercentRaisesStopAtTheCeilingInsteadOfCrashing() async throws {
        try await withApp { app, _ in
            let (shop, _) = try await Self.shopWithStock(app, units: 1)
            let admin = Browser(app)
            try await admin.signIn(shop)
            var refused = false
            for _ in 0..<40 {
                let page = try await admin.post(
                    "/catalog/bulk",
                    [("action", "price_percent"), ("value", "500"), ("confirm", "yes")]
                )
                if page.status == .unprocessableEntity {
                    refused = true
                    break
                }
            }
            #expect(refused, "a price beyond 100,000,000 yen is refused")
            #expect(try await app.sku(shop, "A").price <= 100_000_000)
            for date in ["99999-01-01", "-5000-01-01", "2024-02-30", "1999-12-31", "2024-13-01"] {
                #expect(try await admin.get("/settings/audit?from=\(date)&to=\(date)").status == .ok)
            }
        }
    }

    // MARK: Redirects and headers

    @Test func languageSwitchFollowsOnlyLocalPathsAndNeverSplitsTheResponse() async throws {
        try await withApp { app, _ in
            let attacks = [
                "/%0d%0aSet-Cookie:%20akinai_session=X;%20Path=/", "/%09/evil.example", "//evil.example",
                "/\\evil.example", "https://evil.example", "/%2f%2fevil.example", "/%5cevil.example",
            ]
            for back in attacks {
                let page = try await Browser(app).get("/lang/en?back=\(back)")
                #expect(page.location == "/", "\(back) → \(page.location ?? "-")")
                #expect(page.headers[.setCookie].allSatisfy { !$0.contains("akinai_session") })
            }
            #expect(try await Browser(app).get("/lang/en?back=/inventory?page=2").location == "/inventory?page=2")
        }
    }

    // MARK: Lockout

    @Test func twentyParallelWrongPasswordsLockTheAccountAndTheRightOneThenFails() async throws {
        try await withApp { app, _ in
            let shop = try await app.makeTenant("shop-a")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        _ = try await Browser(app).signIn(
                            tenant: shop.code,
                            email: shop.adminEmail,
                            password: "wrong password!!"
                        )
                    }
                }
                try await group.waitForAll()
            }
            let user = try #require(try await app.user(shop, email: shop.adminEmail))
            #expect(user.lockedUntil != nil, "locked")
            let right = try await Browser(app).signIn(shop.code, shop.adminEmail, shop.adminPassword)
            #expect(right.status == .unauthorized)
            let tdb = app.akinai.tenantDatabase(shop.id, on: app.db)
            #expect(try await tdb.query(AuditEventRecord.self).filter(\.$action == "auth.lock").count() == 1)
        }
    }

    @Test func theRightPasswordDoesNotResetFailedSecondFactorGuesses() async throws {
        let clock = TestClock()
        try await withApp(clock: clock) { app, _ in
            let shop = try await app.makeTenant("shop-a")
            let admin = Browser(app)
            try await admin.signIn(shop)
            _ = try await enrolTOTP(admin, clock: clock)
            // A password holder guessing codes, signing in again after every few guesses.
            var attempts = 0
            for _ in 0..<3 {
                let guesser = Browser(app)
                try await guesser.signIn(shop)
                for _ in 0..<2 {
                    _ = try await guesser.post("/login/second-factor", [("code", "000000")])
                    attempts += 1
                }
            }
            let user = try #require(try await app.user(shop, email: shop.adminEmail))
            #expect(attempts == 6)
            #expect(user.lockedUntil != nil, "five wrong codes lock the account even across fresh password sign-ins")
        }
    }

    @Test func aWrongCurrentPasswordCountsTowardsTheLock() async throws {
        try await withApp { app, _ in
            let shop = try await app.makeTenant("shop-a")
            let admin = Browser(app)
            try await admin.signIn(shop)
            for _ in 0..<5 {
                let page = try await admin.post(
                    "/account/password",
                    [
                        ("current", "not my password!"), ("password", "a new long password 9"),
                        ("confirm", "a new long password 9"),
                    ]
                )
                #expect(page.status == .unprocessableEntity || page.status == .seeOther)
            }
            let user = try #require(try await app.user(shop, email: shop.adminEmail))
            #expect(user.lockedUntil != nil)
            #expect(try await admin.get("/").status == .seeOther, "the lock ended the session")
        }
    }

    // MARK: Reservations

    @Test func aReservationIsReleasedOnceAndOneReferenceReservesOnce() async throws {
        try await withApp { app, _ in
            let (shop, sku) = try await Self.shopWithStock(app, units: 5)
            let api = try await Self.api(app, shop)
            let statuses = try await withThrowingTaskGroup(of: UInt.self) { group in
                for _ in 0..<10 {
                    group.addTask {
                        try await Self.json(
                            api,
                            "/api/v1/reservations",
                            #"{"reference":"order-1","lines":[{"sku":"A","quantity":1}]}"#
                        ).status.code
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == 201 }, "every retry gets the one reservation: \(statuses)")
            #expect(try await app.stock(shop).figures([sku.id!])[sku.id!] == StockFigures(onHand: 5, reserved: 1))

            let releases = try await withThrowingTaskGroup(of: UInt.self) { group in
                for _ in 0..<20 {
                    group.addTask { try await api.send(.POST, "/api/v1/reservations/order-1/release").status.code }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(releases.filter { $0 == 200 }.count == 1, "\(releases)")
            #expect(releases.filter { $0 == 409 }.count == 19)
            #expect(try await app.stock(shop).figures([sku.id!])[sku.id!] == StockFigures(onHand: 5, reserved: 0))
            #expect(try await app.stock(shop).rebuild(repair: false).isEmpty)
        }
    }

    @Test func aDoubleTappedStockTakeCountsOnce() async throws {
        try await withApp { app, _ in
            let (shop, sku) = try await Self.shopWithStock(app, units: 10)
            let warehouse = try await app.stock(shop).defaultWarehouse()
            let stock = app.stock(shop)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        _ = try await stock.stockTake(sku: sku, warehouseID: warehouse.typedID, counted: 8)
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await stock.figures([sku.id!])[sku.id!]?.onHand == 8)
            let tdb = app.akinai.tenantDatabase(shop.id, on: app.db)
            #expect(try await tdb.query(StockMovementRecord.self).filter(\.$kind == .stockTake).count() == 1)
            #expect(try await tdb.query(AuditEventRecord.self).filter(\.$action == "stock.count").count() == 20)
        }
    }

    // MARK: Single-use secrets

    @Test func aTOTPCodeAndARecoveryCodeEachWorkOnceUnderConcurrency() async throws {
        let clock = TestClock()
        try await withApp(clock: clock) { app, _ in
            let shop = try await app.makeTenant("shop-a")
            let admin = Browser(app)
            try await admin.signIn(shop)
            let (uri, codes) = try await enrolTOTP(admin, clock: clock)
            clock.advance(60)
            let code = try ExternalTools.pyotpCode(uri: uri, at: clock.now)
            for secret in [code, codes[0]] {
                var browsers: [Browser] = []
                // Four at once: below the lock threshold, so only single use decides who gets in.
                for _ in 0..<4 {
                    let browser = Browser(app)
                    try await browser.signIn(shop)
                    browsers.append(browser)
                }
                let results = try await withThrowingTaskGroup(of: Bool.self) { group in
                    for browser in browsers {
                        group.addTask {
                            try await browser.post("/login/second-factor", [("code", secret)]).location == "/"
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(results.filter { $0 }.count == 1, "\(secret) signs in exactly once")
                // The failures were counted; clear them for the next round.
                let tdb = app.akinai.tenantDatabase(shop.id, on: app.db)
                try await tdb.query(UserRecord.self).set(\.$failedAttempts, to: 0).set(\.$lockedUntil, to: nil).update()
                clock.advance(31)
            }
        }
    }

    @Test func twentyConcurrentUsesOfOneSecretSucceedOnce() async throws {
        let clock = TestClock()
        try await withApp(clock: clock) { app, _ in
            let shop = try await app.makeTenant("shop-a")
            let user = try #require(try await app.user(shop, email: shop.adminEmail))
            let tdb = app.akinai.tenantDatabase(shop.id, on: app.db)
            try await tdb.create(RecoveryCodeRecord(tenantID: shop.id, userID: user.id!, codeHash: "h"))
            let link = UserTokenRecord(
                tenantID: shop.id,
                userID: user.id!,
                purpose: .passwordReset,
                tokenHash: "t",
                now: clock.now,
                lifetime: 3600
            )
            try await tdb.create(link)
            let now = clock.now
            let uses: [(String, @Sendable () async throws -> Bool)] = [
                ("TOTP step", { try await tdb.acceptTOTPStep(userID: user.id!, step: 99) }),
                ("recovery code", { try await tdb.consumeRecoveryCode(userID: user.id!, codeHash: "h", now: now) }),
                ("reset link", { try await tdb.consumeUserToken(id: link.id!, now: now) }),
            ]
            for (name, use) in uses {
                let wins = try await withThrowingTaskGroup(of: Bool.self) { group in
                    for _ in 0..<20 { group.addTask { try await use() } }
                    return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
                }
                #expect(wins == 1, "\(name): \(wins) uses succeeded")
            }
        }
    }

    // MARK: Second factor changes

    @Test func replacingTheSecondFactorAsksForThePasswordAndSendsANotice() async throws {
        let clock = TestClock()
        try await withApp(clock: clock) { app, env in
            let shop = try await app.makeTenant("shop-a")
            let admin = Browser(app)
            try await admin.signIn(shop)
            _ = try await enrolTOTP(admin, clock: clock)
            // Without the password nothing changes: the authenticator stays in use.
            #expect(try await admin.post("/account/two-factor/email").status == .unprocessableEntity)
            #expect(try await admin.post("/account/two-factor/totp/start").status == .unprocessableEntity)
            #expect(try await app.user(shop, email: shop.adminEmail)?.secondFactor == .totp)
            // Starting a new enrolment with the password leaves the old factor working until it is confirmed.
            let before = try await app.user(shop, email: shop.adminEmail)?.totpSecretSealed
            try await admin.post("/account/two-factor/totp/start", [("current", shop.adminPassword)])
            #expect(try await app.user(shop, email: shop.adminEmail)?.secondFactor == .totp)
            // The session can read the pending secret from the page; confirming it asks for the password as well.
            let pending = try #require(try await admin.get("/account/two-factor").element("totp-uri"))
            let code = try ExternalTools.pyotpCode(uri: pending, at: clock.now)
            #expect(
                try await admin.post("/account/two-factor/totp/confirm", [("code", code)]).status
                    == .unprocessableEntity
            )
            #expect(try await app.user(shop, email: shop.adminEmail)?.totpSecretSealed == before, "still the old one")
            try await admin.post("/account/two-factor/email", [("current", shop.adminPassword)])
            #expect(try await app.user(shop, email: shop.adminEmail)?.secondFactor == .email)
            try await app.runJobs()
            // One notice for the first authenticator, one for the switch to e-mailed codes.
            #expect(env.mailbox.all.filter { $0.to == shop.adminEmail && $0.subject.contains("2段階認証") }.count == 2)
            let tdb = app.akinai.tenantDatabase(shop.id, on: app.db)
            #expect(
                try await tdb.query(AuditEventRecord.self).filter(\.$action == "user.two_factor_enable").count() == 2
            )
        }
    }

    // MARK: Fail closed

    @Test func anUnknownSessionStageIsNotSignedInAndBrokenSettingsAreNotDefaults() async throws {
        let clock = TestClock()
        try await withApp(clock: clock) { app, _ in
            let shop = try await app.makeTenant("shop-a")
            let admin = Browser(app)
            try await admin.signIn(shop)
            let tdb = app.akinai.tenantDatabase(shop.id, on: app.db)
            try await tdb.query(SessionRecord.self).set(\.$stage, to: "some_future_stage").update()
            #expect(try await admin.get("/").status == .seeOther)

            // A stored role, status or grant Akinai does not know is an error, never a default such as "viewer".
            for (column, value) in [("role", "superuser"), ("grants", #"{"payroll":"write"}"#), ("status", "paused")] {
                let other = try await app.makeUser(in: shop, email: "\(column)@shop-a.example", role: .staff)
                let browser = Browser(app)
                try await browser.signIn(tenant: shop.code, email: other.email, password: "another long password 1")
                let sql = app.db as! any SQLDatabase
                try await sql.raw(
                    "UPDATE users SET \(unsafeRaw: column) = \(bind: value) WHERE id = \(bind: other.id!)"
                )
                .run()
                #expect(try await browser.get("/").status == .internalServerError, "\(column) = \(value)")
                await #expect(throws: (any Error).self) { try await app.user(shop, email: other.email) }
            }

            // A setting added later takes its default; a stored value that cannot be read stops, never guesses.
            let decoded = try JSONDecoder().decode(
                SecuritySettings.self,
                from: Data(#"{"requireTwoFactor":true}"#.utf8)
            )
            #expect(decoded.requireTwoFactor && decoded.lockoutThreshold == 5)
            try await tdb.saveShopSettings(ShopSettings(), now: clock.now)
            try await (app.db as! any SQLDatabase).raw(
                "UPDATE tenant_settings SET security = \(bind: #"{"requireTwoFactor":"yes"}"#)"
            ).run()
            await #expect(throws: StoredValueError.self) { try await tdb.securitySettings() }

            // With the idle timeout off, a session halfway through signing in still ends after 10 minutes.
            var settings = SecuritySettings()
            settings.idleTimeoutMinutes = 0
            let session = SessionRecord(
                tokenHash: "x",
                tenantID: shop.id,
                userID: UUID(),
                csrfToken: "y",
                now: clock.now,
                expiresAt: clock.now.addingTimeInterval(86400),
                ip: "",
                userAgent: ""
            )
            session.stage = SessionStage.secondFactor.rawValue
            let policy = SessionPolicy(settings)
            #expect(policy.isLive(session, at: clock.now.addingTimeInterval(599)))
            #expect(!policy.isLive(session, at: clock.now.addingTimeInterval(601)))
        }
    }

    // MARK: Audit chain

    @Test func deletingTheNewestEventsIsReportedAsAGap() async throws {
        try await withApp { app, _ in
            let shop = try await app.makeTenant("shop-a")
            let tdb = app.akinai.tenantDatabase(shop.id, on: app.db)
            for index in 0..<6 {
                try await AuditLog.append(
                    tdb,
                    actor: .cli,
                    action: "test.event",
                    targetType: "test",
                    targetID: "\(index)",
                    now: Date()
                )
            }
            guard case .intact(let count) = try await AuditLog.verify(tdb) else {
                Issue.record("intact before")
                return
            }
            let newest = try await tdb.query(AuditEventRecord.self).sort(\.$seq, .descending).limit(3).all()
            let last = newest[0].seq
            for event in newest { try await event.delete(on: app.db) }
            let verdict = try await AuditLog.verify(tdb)
            #expect(
                verdict
                    == .broken(
                        seq: last - 2,
                        reason: "events \(last - 2)…\(last) are missing: the signed head is at \(last)"
                    ),
                "\(count) events; \(verdict)"
            )
            // The next event does not paper over the gap.
            try await AuditLog.append(tdb, actor: .cli, action: "x", targetType: "x", targetID: "", now: Date())
            if case .intact = try await AuditLog.verify(tdb) { Issue.record("a truncated chain verified") }
        }
    }

    // MARK: Operator console

    @Test func operatorsSeeNoMailBodiesAndMustUseASecondFactor() async throws {
        try await withApp { app, _ in
            let routes = app.routes.all.map { $0.path.map(\.description).joined(separator: "/") }
            #expect(!routes.contains { $0.hasPrefix("operator/mail/files") }, "no .eml download for operators")
            let stage = SignIn(request: Request(application: app, on: app.eventLoopGroup.next())).nextStage(
                after: .active,
                user: UserRecord(
                    tenantID: UUID(),
                    email: "op@x.example",
                    role: .admin,
                    passwordHash: "",
                    createdAt: Date()
                ),
                settings: SecuritySettings(),
                isOperator: true,
                passwordStep: true
            )
            #expect(stage == .enrolSecondFactor)
        }
    }

    // MARK: SMTP

    @Test func aMailJobLeaseOutlastsTheLongestSMTPConversation() {
        #expect(JobWorker.defaultLease > SMTPClient.maximumConversation * 2)
    }

    // MARK: Smaller findings

    @Test func percentAndUnderscoreInASearchMatchThemselves() async throws {
        try await withApp { app, _ in
            let (shop, _) = try await Self.shopWithStock(app, units: 1)
            try await app.makeProduct(
                shop,
                ProductInput(
                    code: "P2",
                    name: "100%_オーガニック",
                    supplier: nil,
                    labels: nil,
                    skus: [ReservationConcurrencyTests.plain("B_1")]
                )
            )
            let api = try await Self.api(app, shop)
            func codes(_ q: String) async throws -> [String] {
                let page = try await api.get("/api/v1/skus?q=\(Browser.encode(q))")
                #expect(page.status == .ok)
                let list = try JSONDecoder().decode(
                    CatalogAPIController.PageResponse<CatalogAPIController.SKUResponse>.self,
                    from: Data(page.body.utf8)
                )
                return list.items.map(\.code)
            }
            #expect(try await codes("_") == ["B_1"])
            // `%` matches itself: the SKU of the product named 100%_…, not every SKU (A's product has no %).
            #expect(try await codes("%") == ["B_1"])
            #expect(try await codes("b_") == ["B_1"], "case does not matter")
            #expect(try await codes("!") == [])
            let web = Browser(app)
            try await web.signIn(shop)
            let list = try await web.get("/catalog?q=\(Browser.encode("100%_"))")
            #expect(list.body.contains("B_1") && !list.body.contains(">A<"))
            let products = try await api.get("/api/v1/products?q=_")
            let found = try products.decoded(
                as: CatalogAPIController.PageResponse<CatalogAPIController.ProductResponse>.self
            )
            #expect(found.total == 1 && found.items.map(\.code) == ["P2"])
        }
    }

    @Test func anUnsupportedMethodGets405WithAllow() async throws {
        try await withApp { app, _ in
            let (shop, _) = try await Self.shopWithStock(app, units: 1)
            let api = try await Self.api(app, shop)
            let page = try await api.send(.DELETE, "/api/v1/skus")
            #expect(page.status == .methodNotAllowed)
            #expect(page.headers.first(name: .allow) == "GET, HEAD")
            #expect(page.body.contains("method_not_allowed"))
            let put = try await api.send(.PUT, "/api/v1/reservations/o1/release")
            #expect(put.status == .methodNotAllowed)
            #expect(put.headers.first(name: .allow) == "POST")
            #expect(try await api.send(.GET, "/api/v1/nothing-here").status == .notFound)
            // A fixed path beside a parameter route of the same shape answers only its own methods.
            let movements = try await api.send(.GET, "/api/v1/stock/movements")
            #expect(movements.status == .methodNotAllowed)
            #expect(movements.headers.first(name: .allow) == "POST")
            #expect(try await api.send(.GET, "/api/v1/stock/\(UUID())").status == .notFound)
        }
    }

    @Test func textTheDatabaseCannotHoldAndDuplicatesTheChecksMissAre4xx() async throws {
        try await withApp { app, _ in
            let (shop, _) = try await Self.shopWithStock(app, units: 1)
            let api = try await Self.api(app, shop)
            // A NUL character: PostgreSQL refuses it in text, SQLite stores it; neither is a server error.
            #expect(try await api.get("/api/v1/skus?q=%00").status.code < 500)
            let nul = try await Self.json(
                api,
                "/api/v1/products",
                #"{"code":"N1","name":"a\u0000b","skus":[{"code":"N1-1","price":1,"variant":"\u0000"}]}"#
            )
            #expect((400..<500).contains(nul.status.code), "\(nul.status)")
            // One item code twice on one channel in a single request reaches the database's unique index.
            let twice = try await Self.json(
                api,
                "/api/v1/products",
                #"""
                {"code":"D1","name":"重複","skus":[
                  {"code":"D1-1","price":1,"listings":[{"channel":"rakuten","itemCode":"same"}]},
                  {"code":"D1-2","price":1,"listings":[{"channel":"rakuten","itemCode":"same"}]}]}
                """#
            )
            #expect(twice.status == .conflict, "\(twice.status) \(twice.body)")
            let none = try await api.get("/api/v1/products?q=D1")
            #expect(
                try none.decoded(as: CatalogAPIController.PageResponse<CatalogAPIController.ProductResponse>.self).total
                    == 0
            )
            // A component named twice and too many labels are refused before anything is written.
            let component = try await Self.json(
                api,
                "/api/v1/products",
                #"{"code":"S1","name":"セット","skus":[{"code":"S1-1","price":1,"components":[{"sku":"A","quantity":1},{"sku":"A","quantity":2}]}]}"#
            )
            #expect(component.status == .unprocessableEntity)
            let labels = (0...20).map { "\"l\($0)\"" }.joined(separator: ",")
            let tooMany = try await Self.json(
                api,
                "/api/v1/products",
                #"{"code":"L1","name":"ラベル","labels":[\#(labels)],"skus":[{"code":"L1-1","price":1}]}"#
            )
            #expect(tooMany.status == .unprocessableEntity)
            #expect(try await api.get("/api/v1/products/export?encoding=latin1").status == .unprocessableEntity)
            let dry = try await api.send(.POST, "/api/v1/products/import?dryRun=yes", body: "x")
            #expect(dry.status == .unprocessableEntity)
        }
    }
}
