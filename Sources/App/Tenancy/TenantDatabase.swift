import FluentKit
import Foundation

/// The only way feature code reaches tenant-owned records: every query is filtered by the tenant, every
/// create is stamped with it, and a record of another tenant can be neither saved nor deleted.
public struct TenantDatabase: Sendable {
    public let tenantID: UUID
    let db: any Database
    let transactor: Transactor

    /// A query over `M` limited to this tenant.
    public func query<M: TenantOwned>(_: M.Type) -> QueryBuilder<M> {
        M.query(on: db).filter(M.tenantKey == tenantID)
    }

    /// The record with `id` if it belongs to this tenant; a foreign id finds nothing.
    public func find<M: TenantOwned>(_: M.Type, _ id: UUID?) async throws -> M? {
        guard let id else { return nil }
        return try await query(M.self).filter(\._$id == id).first()
    }

    /// Inserts `model` as this tenant's.
    public func create<M: TenantOwned>(_ model: M) async throws {
        model.tenantID = tenantID
        try await model.create(on: db)
    }

    /// Inserts many records as this tenant's, in batches of one multi-row INSERT each.
    public func createAll<M: TenantOwned>(_ models: [M], batch: Int = 500) async throws {
        for model in models { model.tenantID = tenantID }
        var index = 0
        while index < models.count {
            let slice = Array(models[index..<min(index + batch, models.count)])
            try await slice.create(on: db)
            index += batch
        }
    }

    /// Saves changes to a record of this tenant.
    public func update<M: TenantOwned>(_ model: M) async throws {
        guard model.tenantID == tenantID else { throw TenancyViolation() }
        try await model.update(on: db)
    }

    /// Deletes a record of this tenant.
    public func delete<M: TenantOwned>(_ model: M) async throws {
        guard model.tenantID == tenantID else { throw TenancyViolation() }
        try await model.delete(on: db)
    }

    /// Runs `body` in one transaction; everything written through the given database commits or none of it.
    public func transaction<T: Sendable>(
        _ body: @escaping @Sendable (TenantDatabase) async throws -> T
    ) async throws -> T {
        try await transactor.run(on: db) { tx in
            try await body(TenantDatabase(tenantID: tenantID, db: tx, transactor: transactor))
        }
    }
}

/// A write that would have crossed tenants. Reaching it is a bug; it is refused rather than performed.
public struct TenancyViolation: Error {}
