import Crypto
import Domain
import FluentKit
import Foundation
import SQLKit
import Testing
import Vapor

@testable import App

@Suite struct SealedFieldStorageTests {
    @Test func personalDataIsNotReadableInTheDatabaseAndOpensOnlyWithItsTenantsKey() async throws {
        try await withApp { app, env in
            let a = try await app.makeTenant("tenant-a")
            let b = try await app.makeTenant("tenant-b")
            let name = "秘匿 花子さん"
            let user = try await app.makeUser(in: a, email: "hanako@tenant-a.example", name: name, role: .staff)

            // What the database holds.
            let sql = app.db as! any SQLDatabase
            let row = try #require(
                try await sql.raw("SELECT name_sealed FROM users WHERE email = \(bind: "hanako@tenant-a.example")")
                    .first()
            )
            let stored = try row.decode(column: "name_sealed", as: String.self)
            #expect(stored.hasPrefix("ak1.1."))
            #expect(!stored.contains("秘匿"))

            if case .sqlite(let path) = env.config.database {
                // Checkpoint the WAL so the file on disk holds every row, then search its bytes.
                _ = try await sql.raw("PRAGMA wal_checkpoint(TRUNCATE)").all()
                let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
                #expect(bytes.range(of: Data(name.utf8)) == nil, "the name is not in the database file")
                #expect(bytes.range(of: Data("hanako@tenant-a.example".utf8)) != nil, "the file was searched")
            }

            // The right tenant's key opens it.
            let aCipher = try await app.akinai.keyStore.cipher(app.akinai.tenantDatabase(a.id, on: app.db))
            #expect(try aCipher.open(stored, user.nameContext) == name)

            // Tenant B's key does not.
            let bCipher = try await app.akinai.keyStore.cipher(app.akinai.tenantDatabase(b.id, on: app.db))
            #expect(throws: SealError.self) { try bCipher.open(stored, user.nameContext) }

            // Nor does a key store with another master key.
            let otherStore = KeyStore(master: SymmetricKey(size: .bits256))
            await #expect(throws: KeyStore.KeyError.self) {
                try await otherStore.cipher(app.akinai.tenantDatabase(a.id, on: app.db))
            }

            // The page shows the name decrypted for the tenant's admin.
            let admin = Browser(app)
            try await admin.signIn(a)
            #expect(try await admin.get("/settings/users").body.contains(name) == true)
        }
    }

    @Test func theMasterKeyFileIsCreatedPrivateAndReused() throws {
        let directory = NSTemporaryDirectory() + "akinai-key-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/master.key"
        let logger = Logger(label: "test")
        let first = try KeyStore.loadOrCreate(path: path, logger: logger)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let second = try KeyStore.loadOrCreate(path: path, logger: logger)
        #expect(first.fingerprint == second.fingerprint)
        try Data("not a key".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: KeyStore.KeyError.self) { try KeyStore.loadOrCreate(path: path, logger: logger) }
    }
}
