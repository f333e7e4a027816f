import Domain
import Foundation
import SQLKit

/// A shop's order rules (オートロボ): the published version runs at intake; a draft is edited, replayed over the last
/// 1,000 orders to show what it would change, then published as the next version.
struct OrderRuleBook: Sendable {
    let tdb: TenantDatabase
    let services: AppServices
    let actor: AuditActor

    /// One stored version.
    struct Version: Sendable, Equatable {
        let version: Int
        let status: String
        let source: String
        let rules: RuleSet
    }

    /// How many past orders a replay reads.
    static let replayCount = 1000

    /// The published rules, read inside the intake's transaction (one statement); nil when none were published.
    static func published(_ sql: TenantSQL) async throws -> (version: Int, rules: RuleSet)? {
        let rows = try await sql.all(
            """
            SELECT version, rules FROM order_rule_sets
            WHERE tenant_id = \(bind: sql.tenantID) AND status = 'published' ORDER BY version DESC LIMIT 1
            """
        )
        guard let row = rows.first else { return nil }
        return (
            try row.decode(column: "version", as: Int.self),
            try row.stored("rules", as: StoredJSON<RuleSet>.self, table: "order_rule_sets").value
        )
    }

    /// The published version and the draft, if any.
    func versions() async throws -> (published: Version?, draft: Version?) {
        let rows = try await tdb.read { sql in
            try await sql.all(
                """
                SELECT version, status, source, rules FROM order_rule_sets
                WHERE tenant_id = \(bind: sql.tenantID) AND status IN ('published', 'draft') ORDER BY version DESC
                """
            )
        }
        var published: Version?
        var draft: Version?
        for row in rows {
            let version = Version(
                version: try row.decode(column: "version", as: Int.self),
                status: try row.decode(column: "status", as: String.self),
                source: try row.decode(column: "source", as: String.self),
                rules: try row.stored("rules", as: StoredJSON<RuleSet>.self, table: "order_rule_sets").value
            )
            if version.status == "draft", draft == nil { draft = version }
            if version.status == "published", published == nil { published = version }
        }
        return (published, draft)
    }

    /// Saves `source` as the draft (replacing an earlier draft) and returns its version; a text with problems is
    /// refused with each problem's line.
    func saveDraft(_ source: String) async throws -> Int {
        let rules = try RuleSet.parse(source)
        let now = services.clock()
        let actor = actor
        return try await tdb.statements { sql in
            // An earlier draft is kept as discarded, so its version number is never given to other rules: a publish
            // of the draft someone replayed cannot publish a text saved after it.
            try await sql.run(
                "UPDATE order_rule_sets SET status = 'discarded' WHERE tenant_id = \(bind: sql.tenantID) AND status = 'draft'"
            )
            let rows = try await sql.all(
                """
                INSERT INTO order_rule_sets (id, tenant_id, version, status, source, rules, created_by, created_at)
                VALUES (\(bind: UUID()), \(bind: sql.tenantID),
                    (SELECT COALESCE(MAX(v.version), 0) + 1 FROM order_rule_sets v WHERE v.tenant_id = \(bind: sql.tenantID)),
                    'draft', \(bind: source), \(bind: StoredJSON(rules).text), \(bind: actor.label), \(bind: now))
                RETURNING version
                """
            )
            let version = try rows.first?.decode(column: "version", as: Int.self) ?? 0
            try await AuditLog.append(
                sql,
                actor: actor,
                action: "order_rules.draft",
                targetType: "order_rules",
                targetID: String(version),
                details: ["rules": String(rules.rules.count)],
                now: now
            )
            return version
        }
    }

    /// Publishes draft `version`: from now on intake applies it. Only that draft, once (a second publish, or one of
    /// a draft replaced meanwhile, is refused).
    func publish(_ version: Int) async throws {
        let now = services.clock()
        let actor = actor
        try await tdb.statements { sql in
            let published = try await sql.all(
                """
                UPDATE order_rule_sets SET status = 'published', published_at = \(bind: now)
                WHERE tenant_id = \(bind: sql.tenantID) AND version = \(bind: version) AND status = 'draft'
                RETURNING version
                """
            )
            guard !published.isEmpty else {
                // No such version of this shop is 404; one already published, or replaced meanwhile, is a conflict.
                let exists = try await sql.all(
                    """
                    SELECT version FROM order_rule_sets
                    WHERE tenant_id = \(bind: sql.tenantID) AND version = \(bind: version)
                    """
                )
                throw exists.isEmpty ? AppError.notFound : AppError.conflict("rules_changed")
            }
            try await sql.run(
                """
                UPDATE order_rule_sets SET status = 'retired'
                WHERE tenant_id = \(bind: sql.tenantID) AND status = 'published' AND version <> \(bind: version)
                """
            )
            try await AuditLog.append(
                sql,
                actor: actor,
                action: "order_rules.publish",
                targetType: "order_rules",
                targetID: String(version),
                details: [:],
                now: now
            )
        }
    }

    /// One order of a replay whose outcome the draft changes.
    struct Change: Sendable, Equatable {
        let id: UUID
        let number: String
        let changes: [String]
        let rules: [String]
    }

    /// Replays `draft` and the published rules over the shop's last 1,000 orders; returns how many were read and,
    /// order by order, what the draft would decide differently.
    func replay(_ draft: RuleSet) async throws -> (read: Int, changes: [Change]) {
        let cipher = try await services.keyStore.cipher(tdb)
        let current = try await tdb.read { sql in try await Self.published(sql) }?.rules ?? RuleSet()
        let (orders, lines) = try await tdb.read { sql in
            let orders = try await sql.all(
                """
                SELECT id, number, channel, ship_prefecture, ship_to, total, payment_method, labels, remarks, gift,
                    purchase_count, delivery_date, address_flags
                FROM orders WHERE tenant_id = \(bind: sql.tenantID) ORDER BY ordered_at DESC, id DESC
                LIMIT \(bind: Self.replayCount)
                """
            )
            let ids = try orders.map { try $0.decode(column: "id", as: UUID.self) }
            guard !ids.isEmpty else { return (orders, [any SQLRow]()) }
            let lines = try await sql.all(
                """
                SELECT l.order_id, s.code, s.cool_type, s.size_class, s.labels FROM order_lines l
                JOIN skus s ON s.tenant_id = l.tenant_id AND s.id = l.sku_id
                WHERE l.tenant_id = \(bind: sql.tenantID) AND l.order_id IN (\(binds: ids))
                """
            )
            return (orders, lines)
        }
        var skus: [UUID: [OrderIntake.LineFacts]] = [:]
        for line in lines {
            skus[try line.decode(column: "order_id", as: UUID.self), default: []].append(
                try OrderIntake.LineFacts(row: line)
            )
        }
        var changes: [Change] = []
        for row in orders {
            let id = try row.decode(column: "id", as: UUID.self)
            let shipTo =
                (try? cipher.open(
                    try row.decode(column: "ship_to", as: String.self),
                    SealedOrder.context("ship_to", id)
                ))
                .flatMap { try? JSONDecoder().decode(Addressee.self, from: Data($0.utf8)) }
            let facts = OrderFacts(
                channel: try row.decode(column: "channel", as: String.self),
                prefecture: try row.decode(column: "ship_prefecture", as: String.self),
                postalCode: shipTo?.postalCode ?? "",
                total: try row.decode(column: "total", as: Int.self),
                payment: PaymentMethod(rawValue: try row.decode(column: "payment_method", as: String.self)) ?? .other,
                lines: skus[id] ?? [],
                labels: CatalogAPIController.split(try row.decode(column: "labels", as: String.self)),
                remarksPresent: !(try row.decode(column: "remarks", as: String.self)).isEmpty,
                gift: try row.decode(column: "gift", as: Bool.self),
                purchaseCount: try row.decode(column: "purchase_count", as: Int.self),
                deliveryDateSet: !(try row.decode(column: "delivery_date", as: String.self)).isEmpty,
                addressFlags: try row.decode(column: "address_flags", as: String.self).split(separator: ",")
                    .compactMap { AddressFlag(rawValue: String($0)) }
            )
            let before = current.apply(to: facts)
            let after = draft.apply(to: facts)
            let lines = after.changes(from: before)
            if !lines.isEmpty {
                changes.append(
                    Change(
                        id: id,
                        number: try row.decode(column: "number", as: String.self),
                        changes: lines,
                        rules: after.applied
                    )
                )
            }
        }
        return (orders.count, changes)
    }
}

extension OrderFacts {
    /// The facts of an order from its values and its lines' SKUs (their labels count as the order's).
    init(
        channel: String,
        prefecture: String,
        postalCode: String,
        total: Int,
        payment: PaymentMethod,
        lines: [OrderIntake.LineFacts],
        labels: [String],
        remarksPresent: Bool,
        gift: Bool,
        purchaseCount: Int,
        deliveryDateSet: Bool,
        addressFlags: [AddressFlag] = []
    ) {
        self.init(
            channel: channel,
            prefecture: prefecture,
            postalCode: postalCode,
            total: total,
            payment: payment,
            coolTypes: Set(lines.map(\.cool)),
            sizeClasses: Set(lines.map(\.sizeClass)),
            skus: Set(lines.map(\.code)),
            labels: Set(labels + lines.flatMap(\.labels)),
            remarksPresent: remarksPresent,
            gift: gift,
            purchaseCount: purchaseCount,
            deliveryDateSet: deliveryDateSet,
            addressFlags: Set(addressFlags)
        )
    }
}

extension TenantContext {
    /// The order rules of this request's tenant, acting as its user.
    var orderRules: OrderRuleBook { OrderRuleBook(tdb: db, services: services, actor: actor) }
}
