import FluentKit
import Foundation

/// The jobs Akinai always runs.
enum BuiltInJobs {
    static func register(_ registry: inout JobRegistry) {
        // Expired sessions are refused anyway; this keeps the table small.
        registry.register("sessions.purge") { context in
            let now = context.services.clock()
            let idle = now.addingTimeInterval(-SessionPolicy().idleTimeout)
            try await SessionRecord.query(on: context.db)
                .group(.or) { $0.filter(\.$expiresAt < now).filter(\.$lastSeenAt < idle) }
                .delete()
        }
        registry.schedule("sessions.purge", every: 600)
    }
}
