import Domain
import Foundation

/// Issues API tokens. The token is returned once; only its hash is kept.
enum APITokenIssuer {
    /// Every scope a token can carry: `<module>:read` and `<module>:write`.
    static let allScopes: [String] = Module.allCases.flatMap { ["\($0.rawValue):read", "\($0.rawValue):write"] }

    /// Validates the scopes, stores the token's hash and audits the issue; returns the token.
    static func issue(
        _ tdb: TenantDatabase,
        userID: UUID,
        name: String,
        scopes: [String],
        expiresAt: Date?,
        actor: AuditActor,
        now: Date
    ) async throws -> String {
        let cleaned = Array(Set(scopes.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })).sorted()
        guard cleaned.allSatisfy(allScopes.contains) else {
            throw AppError(
                .unprocessableEntity,
                code: "validation_failed",
                messageKey: "error.scope_invalid",
                field: "scopes"
            )
        }
        let label: String
        do {
            label = try DisplayName(name.isEmpty ? "API" : name).rawValue
        } catch {
            throw AppError.invalid(error)
        }
        let token = SecretToken.generate(prefix: "akn_", bytes: 32)
        let record = APITokenRecord(
            tenantID: tdb.tenantID,
            userID: userID,
            name: label,
            tokenHash: SecretToken.digest(token),
            tokenPrefix: String(token.prefix(10)),
            scopes: cleaned.joined(separator: " "),
            createdAt: now
        )
        record.expiresAt = expiresAt
        try await tdb.transaction { tx in
            try await tx.create(record)
            try await AuditLog.append(
                tx,
                actor: actor,
                action: "api_token.create",
                targetType: "api_token",
                targetID: record.id!.uuidString,
                details: ["name": label, "scopes": record.scopes],
                now: now
            )
        }
        return token
    }
}
