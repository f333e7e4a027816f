import FluentKit
import Foundation

/// What the operator console reads across tenants. Only routes registered as operator-only reach it.
struct OperatorDirectory: Sendable {
    let db: any Database
    let services: AppServices

    static let operatorCode = "operator"

    /// The newest outbox entries of every tenant.
    func recentMail(limit: Int = 200) async throws -> [OutboxRecord] {
        try await OutboxRecord.query(on: db).sort(\.$createdAt, .descending).limit(limit).all()
    }

    /// The directory of `.eml` files, when mail is written to files.
    var mailDirectory: String { services.config.dataDirectory + "/mail" }

    /// The `.eml` files written by the file transport, newest first.
    func mailFiles() -> [(name: String, size: Int, modified: Date)] {
        let fm = FileManager.default
        let names = (try? fm.contentsOfDirectory(atPath: mailDirectory)) ?? []
        return names.filter { $0.hasSuffix(".eml") }.compactMap { name in
            let attributes = try? fm.attributesOfItem(atPath: mailDirectory + "/" + name)
            guard let size = attributes?[.size] as? Int, let modified = attributes?[.modificationDate] as? Date else {
                return nil
            }
            return (name, size, modified)
        }.sorted { $0.modified > $1.modified }
    }
}

extension TenantContext {
    /// The cross-tenant reads of the operator console.
    var operatorDirectory: OperatorDirectory? {
        isOperator ? OperatorDirectory(db: db.unscopedDatabase, services: services) : nil
    }
}
