import Domain
import FluentKit
import Foundation
import SQLKit

/// The durable outbox: a mail is stored (body sealed) in the same transaction as the change that caused it,
/// and a `mail.send` job delivers it with retries. A crash between the two loses nothing.
enum MailOutbox {
    static let jobKind = "mail.send"

    /// Queues a mail of a tenant. Call it inside the transaction of the change the mail reports.
    static func enqueue(
        _ tdb: TenantDatabase,
        services: AppServices,
        to: String,
        mail: MailText
    ) async throws {
        try await enqueue(
            // tenancy: outbox rows are stamped with their tenant by hand
            on: tdb.unscopedDatabase,
            services: services,
            tenantID: tdb.tenantID,
            to: to,
            mail: mail
        )
    }

    /// Queues a mail. Call it inside the transaction of the change the mail reports.
    static func enqueue(
        on db: any Database,
        services: AppServices,
        tenantID: UUID?,
        to: String,
        mail: MailText
    ) async throws {
        let now = services.clock()
        let record = OutboxRecord()
        let id = UUID()
        record.id = id
        record.tenantID = tenantID
        record.toAddress = to
        record.subject = mail.subject
        record.bodySealed = try cipher(services).seal(mail.body, context(id))
        record.status = "queued"
        record.attempts = 0
        record.createdAt = now
        // tenancy: outbox rows are stamped with their tenant by hand
        try await record.create(on: db)
        try await JobQueue.enqueue(
            on: db,
            kind: jobKind,
            payload: id.uuidString,
            tenantID: tenantID,
            runAt: now,
            uniqueKey: "mail:\(id)",
            maxAttempts: 8,
            now: now
        )
    }

    /// Queues a mail from a transaction of hand-written statements (`TenantDatabase.statements`).
    static func enqueue(_ sql: TenantSQL, services: AppServices, to: String, mail: MailText) async throws {
        let now = services.clock()
        let id = UUID()
        let sealed = try cipher(services).seal(mail.body, context(id))
        try await sql.run(
            """
            INSERT INTO outbox (id, tenant_id, to_address, subject, body_sealed, status, attempts, created_at)
            VALUES (\(bind: id), \(bind: sql.tenantID), \(bind: to), \(bind: mail.subject), \(bind: sealed),
                \(bind: "queued"), 0, \(bind: now))
            """
        )
        try await sql.enqueueJob(
            id: UUID(),
            kind: jobKind,
            payload: id.uuidString,
            runAt: now,
            uniqueKey: "mail:\(id)",
            maxAttempts: 8,
            now: now
        )
    }

    static func register(_ registry: inout JobRegistry) {
        registry.register(jobKind, maxAttempts: 8) { job in
            // tenancy: outbox rows are stamped with their tenant by hand
            guard let id = UUID(uuidString: job.payload), let record = try await OutboxRecord.find(id, on: job.db)
            else {
                return
            }
            // Delivered already by an earlier run whose completion was lost: do not send twice.
            guard record.status != "sent" else { return }
            let services = job.services
            let body = try cipher(services).open(record.bodySealed, context(id))
            let mail = OutgoingMail(
                from: services.config.mailFrom,
                to: record.toAddress,
                subject: record.subject,
                body: body
            )
            record.attempts = job.attempt
            do {
                try await services.mailer.send(mail, id.uuidString + "@akinai", services.clock())
                record.status = "sent"
                record.sentAt = services.clock()
                record.lastError = nil
                // tenancy: outbox rows are stamped with their tenant by hand
                try await record.save(on: job.db)
            } catch {
                record.lastError = String(String(describing: error).prefix(500))
                if job.attempt >= 8 { record.status = "failed" }
                // tenancy: outbox rows are stamped with their tenant by hand
                try await record.save(on: job.db)
                throw error
            }
        }
    }

    /// Outbox bodies are sealed under a key derived from the master key, bound to the row.
    static func cipher(_ services: AppServices) -> FieldCipher {
        FieldCipher(
            tenantID: UUID(uuid: UUID_NULL),
            keys: [1: services.keyStore.derivedKey("outbox")],
            currentVersion: 1
        )
    }

    static func context(_ id: UUID) -> FieldContext {
        FieldContext(table: OutboxRecord.schema, column: "body_sealed", rowID: id)
    }
}

private let UUID_NULL: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
