import FluentKit
import Foundation

/// The jobs Akinai always runs.
enum BuiltInJobs {
    static func register(_ registry: inout JobRegistry) {
        // Expired sessions are refused anyway; this keeps the table small.
        registry.register("sessions.purge") { context in
            let now = context.services.clock()
            // Past their absolute end (at most 24 h); idle sessions are refused at their next request.
            // tenancy: expired sessions of every tenant
            try await SessionRecord.query(on: context.db).filter(\.$expiresAt < now).delete()
        }
        registry.schedule("sessions.purge", every: 600)
    }
}
