import FluentKit
import Foundation

/// The jobs of master imports. They act across tenants (each import then through its own tenant's database), so
/// they live with the job infrastructure rather than in the catalog feature.
extension MasterImport {
    /// Registers the job that finishes an import whose process stopped half-way through applying it.
    static func register(_ jobs: inout JobRegistry) {
        jobs.register(jobKind) { job in
            guard let tenantID = job.tenantID, let importID = UUID(uuidString: job.payload) else { return }
            // tenancy: the job carries the tenant the import belongs to
            let tdb = job.services.tenantDatabase(tenantID, on: job.db)
            try await MasterImport(tdb: tdb, services: job.services, actor: .system).applyPending(importID)
        }
        // An import whose process stopped while reading the file leaves staged rows no one will apply.
        jobs.register("catalog.imports.purge") { job in
            let cutoff = job.services.clock().addingTimeInterval(-3600)
            // tenancy: abandoned imports of every tenant, each then handled through its own tenant database
            let abandoned = try await CatalogImportRecord.query(on: job.db).filter(\.$status == "staging")
                .filter(\.$createdAt < cutoff).limit(100).all()
            for record in abandoned {
                // tenancy: the tenant the abandoned import belongs to
                let tdb = job.services.tenantDatabase(record.tenantID, on: job.db)
                try await MasterImport(tdb: tdb, services: job.services, actor: .system)
                    .discard(record.id!, status: "abandoned")
            }
        }
        jobs.schedule("catalog.imports.purge", every: 3600)
    }
}
