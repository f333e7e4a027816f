import Domain
import FluentKit
import Foundation
import SQLKit
import Testing
import Vapor

@testable import App

@Suite struct AuditTrailTests {
    @Test func changesAreAuditedWithActorTargetIPAndResult() async throws {
        try await withApp { app, _ in
            let shop = try await app.makeTenant("shop-a")
            let admin = Browser(app)
            admin.headers.replaceOrAdd(name: .userAgent, value: "AuditTest/1.0")
            try await admin.signIn(shop)
            try await admin.post(
                "/settings/users",
                [
                    ("email", "new@shop-a.example"), ("name", "新人 花子"), ("role", "staff"),
                ]
            )
            let tdb = app.akinai.tenantDatabase(shop.id, on: app.db)
            let event = try #require(
                try await tdb.query(AuditEventRecord.self).filter(\.$action == "user.invite")
                    .filter(\.$actorLabel == shop.adminEmail).first()
            )
            #expect(event.result == "success")
            #expect(event.targetType == "user")
            #expect(event.userAgent == "AuditTest/1.0")
            #expect(event.details.contains("new@shop-a.example"))
            #expect(event.action == "user.invite")
            #expect(!event.ip.isEmpty)
            #expect(
                try await AuditLog.verify(tdb) == .intact(count: try await tdb.query(AuditEventRecord.self).count())
            )
        }
    }

    @Test func theTimelineShowsJSTAndFilters() async throws {
        let clock = TestClock(Date(timeIntervalSince1970: 1_795_221_000))  // 2026-11-21 09:30 JST
        try await withApp(clock: clock) { app, _ in
            let shop = try await app.makeTenant("shop-a")
            let admin = Browser(app)
            try await admin.signIn(shop)
            _ = try await Browser(app).signIn(tenant: shop.code, email: shop.adminEmail, password: "wrong password!!")
            let all = try await admin.get("/settings/audit")
            #expect(all.status == .ok)
            #expect(all.body.contains("2026-11-21 09:30:00 +09:00"))
            #expect(all.body.contains("tenant.create"))
            let failures = try await admin.get("/settings/audit?result=failure")
            #expect(failures.body.contains("auth.sign_in"))
            #expect(!failures.body.contains("tenant.create"))
            let byAction = try await admin.get("/settings/audit?action=tenant.")
            #expect(byAction.body.contains("tenant.create"))
            #expect(!byAction.body.contains("auth.sign_in"))
            let nextDay = try await admin.get("/settings/audit?from=2026-11-22")
            #expect(nextDay.body.contains("該当する操作ログはありません"))
            let users = try await admin.get("/settings/users")
            #expect(users.body.contains("2026-11-21 09:30:00 +09:00"), "last sign-in on the users page")
        }
    }

    @Test func theTimelinePaginates() async throws {
        try await withApp { app, _ in
            let shop = try await app.makeTenant("shop-a")
            let tdb = app.akinai.tenantDatabase(shop.id, on: app.db)
            for index in 0..<60 {
                try await AuditLog.append(
                    tdb,
                    actor: .system,
                    action: "test.event",
                    targetType: "thing",
                    targetID: "t\(index)",
                    now: app.akinai.clock()
                )
            }
            let admin = Browser(app)
            try await admin.signIn(shop)
            let first = try await admin.get("/settings/audit")
            #expect(first.body.contains("page=2"))
            let second = try await admin.get("/settings/audit?page=2")
            #expect(second.body.contains("tenant.create"), "the oldest events are on the last page")
            #expect(!first.body.contains("tenant.create"))
        }
    }

    @Test func anEditedRowIsReportedByAuditVerify() async throws {
        try await withApp { app, env in
            let shop = try await app.makeTenant("shop-a")
            let tdb = app.akinai.tenantDatabase(shop.id, on: app.db)
            for index in 0..<4 {
                try await AuditLog.append(
                    tdb,
                    actor: .system,
                    action: "test.event",
                    targetType: "thing",
                    targetID: "t\(index)",
                    now: app.akinai.clock()
                )
            }
            let clean = try CLI.run(["audit", "verify"], env: env)
            #expect(clean.status == 0)
            #expect(clean.output.contains("shop-a: intact (6 events)"))

            let sql = app.db as! any SQLDatabase
            try await sql.raw("UPDATE audit_events SET action = 'test.harmless' WHERE seq = 4").run()
            #expect(try await AuditLog.verify(tdb) == .broken(seq: 4, reason: "content does not match its hash"))
            let tampered = try CLI.run(["audit", "verify"], env: env)
            #expect(tampered.status != 0)
            #expect(tampered.output.contains("shop-a: BROKEN at event 4"))
        }
    }

    @Test func concurrentAppendsNeverForkTheChain() async throws {
        try await withApp { app, _ in
            let shop = try await app.makeTenant("shop-a")
            let services = app.akinai
            let db = app.db
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<40 {
                    group.addTask {
                        try await AuditLog.append(
                            services.tenantDatabase(shop.id, on: db),
                            actor: .system,
                            action: "race",
                            targetType: "t",
                            targetID: "\(index)",
                            now: services.clock()
                        )
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await AuditLog.verify(services.tenantDatabase(shop.id, on: db)) == .intact(count: 42))
        }
    }
}
