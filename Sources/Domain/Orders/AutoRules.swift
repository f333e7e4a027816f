import Foundation

/// What the rules (オートロボ) see of an order when it is taken in.
public struct OrderFacts: Sendable, Equatable {
    public var channel: String
    public var prefecture: String
    public var postalCode: String
    public var total: Int
    public var payment: PaymentMethod
    public var coolTypes: Set<CoolType>
    public var sizeClasses: Set<String>
    public var skus: Set<String>
    public var labels: Set<String>
    public var remarksPresent: Bool
    public var gift: Bool
    public var purchaseCount: Int
    public var deliveryDateSet: Bool
    public var addressFlags: Set<AddressFlag>

    public init(
        channel: String,
        prefecture: String,
        postalCode: String,
        total: Int,
        payment: PaymentMethod,
        coolTypes: Set<CoolType>,
        sizeClasses: Set<String>,
        skus: Set<String>,
        labels: Set<String>,
        remarksPresent: Bool,
        gift: Bool,
        purchaseCount: Int,
        deliveryDateSet: Bool,
        addressFlags: Set<AddressFlag> = []
    ) {
        self.addressFlags = addressFlags
        self.channel = channel
        self.prefecture = prefecture
        self.postalCode = postalCode
        self.total = total
        self.payment = payment
        self.coolTypes = coolTypes
        self.sizeClasses = sizeClasses
        self.skus = skus
        self.labels = labels
        self.remarksPresent = remarksPresent
        self.gift = gift
        self.purchaseCount = purchaseCount
        self.deliveryDateSet = deliveryDateSet
    }
}

/// One condition of a rule.
public enum RuleCondition: Codable, Sendable, Equatable {
    case channel(String)
    case prefecture(String)
    case postalPrefix(String)
    case totalAtLeast(Int)
    case totalBelow(Int)
    case payment(PaymentMethod)
    case cool(CoolType)
    case sizeClass(String)
    case sku(String)
    case label(String)
    case remarks
    case gift
    case repeatAtLeast(Int)
    case deliveryDate
    case island
    case addressFlag(AddressFlag)

    func holds(for facts: OrderFacts) -> Bool {
        switch self {
        case .channel(let value): facts.channel == value
        case .prefecture(let value): facts.prefecture == value
        case .postalPrefix(let value): facts.postalCode.hasPrefix(value)
        case .totalAtLeast(let value): facts.total >= value
        case .totalBelow(let value): facts.total < value
        case .payment(let value): facts.payment == value
        case .cool(let value): facts.coolTypes.contains(value)
        case .sizeClass(let value): facts.sizeClasses.contains(value)
        case .sku(let value): facts.skus.contains(value)
        case .label(let value): facts.labels.contains(value)
        case .remarks: facts.remarksPresent
        case .gift: facts.gift
        case .repeatAtLeast(let value): facts.purchaseCount >= value
        case .deliveryDate: facts.deliveryDateSet
        case .island: facts.addressFlags.contains(.remoteIsland)
        case .addressFlag(let flag): facts.addressFlags.contains(flag)
        }
    }
}

/// One action of a rule.
public enum RuleAction: Codable, Sendable, Equatable {
    case carrier(Carrier)
    case service(String)
    case label(String)
    case hold(String)
    case status(OrderStatus)
}

/// A rule: when every condition holds, its actions apply.
public struct AutoRule: Codable, Sendable, Equatable {
    public var name: String
    public var conditions: [RuleCondition]
    public var actions: [RuleAction]
}

/// What the rules decided for one order.
public struct RuleOutcome: Sendable, Equatable, Codable {
    public var carrier: Carrier?
    public var service: String?
    public var labels: [String] = []
    public var hold: String?
    public var status: OrderStatus?
    /// The rules that applied, in order.
    public var applied: [String] = []

    public init() {}

    /// The differences from `other`, as `field: before → after` lines for the replay page.
    public func changes(from other: RuleOutcome) -> [String] {
        var lines: [String] = []
        func show(_ value: String?) -> String { value.map { $0.isEmpty ? "—" : $0 } ?? "—" }
        if carrier != other.carrier {
            lines.append("配送業者: \(show(other.carrier?.japaneseName)) → \(show(carrier?.japaneseName))")
        }
        if service != other.service { lines.append("サービス: \(show(other.service)) → \(show(service))") }
        if labels != other.labels {
            lines.append("ラベル: \(show(other.labels.joined(separator: ","))) → \(show(labels.joined(separator: ",")))")
        }
        if hold != other.hold { lines.append("保留: \(show(other.hold)) → \(show(hold))") }
        if status != other.status {
            lines.append("ステータス: \(show(other.status?.japaneseName)) → \(show(status?.japaneseName))")
        }
        return lines
    }
}

/// An ordered set of rules (オートロボ), written one rule per line:
///
///     名前 | 条件; 条件 | 動作; 動作
///     沖縄は日本郵便 | prefecture=沖縄県 | carrier=japanpost; label=離島
///     代引は確認 | payment=cod; total>=30000 | hold=代引・高額の確認
///
/// Conditions: `channel=`, `prefecture=`, `postal^=` (prefix), `total>=`, `total<`, `payment=`, `cool=`, `size=`,
/// `sku=`, `label=`, `remarks`, `gift`, `repeat>=`, `delivery`, `island`, `flag=` (an address check's finding:
/// postal_unknown, city_mismatch, no_number, remote_island). Actions: `carrier=` (yamato, sagawa, japanpost),
/// `service=`, `label=`, `hold=` (with the reason), `status=` (awaiting_review, awaiting_payment, ready_to_ship).
/// Every rule whose conditions all hold applies, top to bottom; a later carrier or status replaces an earlier one.
public struct RuleSet: Codable, Sendable, Equatable {
    public var rules: [AutoRule]

    public init(rules: [AutoRule] = []) {
        self.rules = rules
    }

    /// A problem of one line of the rules' text.
    public struct LineError: Error, Equatable, Sendable, Codable {
        public let line: Int
        public let reason: String
    }

    public static let maxRules = 200
    public static let maxTextBytes = 64_000

    /// The statuses a rule may set at intake.
    public static let settableStatuses: Set<OrderStatus> = [.awaitingReview, .awaitingPayment, .readyToShip]

    /// Parses the text form; every bad line is reported.
    public static func parse(_ text: String) throws(RuleSetErrors) -> RuleSet {
        guard text.utf8.count <= maxTextBytes else {
            throw RuleSetErrors(all: [LineError(line: 1, reason: "rules_too_long")])
        }
        var rules: [AutoRule] = []
        var errors: [LineError] = []
        // Browsers send a textarea with CRLF, which Swift reads as one Character: split on any line break.
        for (index, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            do {
                rules.append(try rule(line))
            } catch {
                errors.append(LineError(line: index + 1, reason: error.reason))
            }
            if rules.count > maxRules {
                errors.append(LineError(line: index + 1, reason: "rules_too_many"))
                break
            }
        }
        guard errors.isEmpty else { throw RuleSetErrors(all: errors) }
        return RuleSet(rules: rules)
    }

    /// Every problem of a rules text.
    public struct RuleSetErrors: Error, Equatable, Sendable {
        public let all: [LineError]
    }

    private static func rule(_ line: String) throws(FieldError) -> AutoRule {
        let parts = line.split(separator: "|", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        guard parts.count == 3, !parts[0].isEmpty, parts[0].count <= 50 else {
            throw FieldError(field: "rules", reason: "rule_shape")
        }
        var conditions: [RuleCondition] = []
        for part in parts[1].split(separator: ";") {
            conditions.append(try condition(part.trimmingCharacters(in: .whitespaces)))
        }
        var actions: [RuleAction] = []
        for part in parts[2].split(separator: ";") {
            actions.append(try action(part.trimmingCharacters(in: .whitespaces)))
        }
        guard !actions.isEmpty, conditions.count <= 10, actions.count <= 10 else {
            throw FieldError(field: "rules", reason: "rule_shape")
        }
        return AutoRule(name: parts[0], conditions: conditions, actions: actions)
    }

    private static func pair(_ text: String, _ operators: [String]) -> (String, String, String)? {
        for op in operators {
            if let range = text.range(of: op) {
                let key = text[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
                let value = text[range.upperBound...].trimmingCharacters(in: .whitespaces)
                return (key, op, value)
            }
        }
        return nil
    }

    private static func number(_ text: String) throws(FieldError) -> Int {
        guard text.count <= 10, let value = Int(text.replacingOccurrences(of: ",", with: "")), value >= 0 else {
            throw FieldError(field: "rules", reason: "rule_value")
        }
        return value
    }

    private static func condition(_ text: String) throws(FieldError) -> RuleCondition {
        switch text {
        case "remarks": return .remarks
        case "gift": return .gift
        case "delivery": return .deliveryDate
        case "island": return .island
        default: break
        }
        guard let (key, op, value) = pair(text, [">=", "^=", "<", "="]), !value.isEmpty, value.count <= 50 else {
            throw FieldError(field: "rules", reason: "rule_condition")
        }
        switch (key, op) {
        case ("channel", "="): return .channel(try OrderRules.channel(value))
        case ("prefecture", "="):
            guard let name = Prefecture.canonical(value) else { throw FieldError(field: "rules", reason: "rule_value") }
            return .prefecture(name)
        case ("postal", "^="):
            guard value.count <= 7, value.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw FieldError(field: "rules", reason: "rule_value")
            }
            return .postalPrefix(value)
        case ("total", ">="): return .totalAtLeast(try number(value))
        case ("total", "<"): return .totalBelow(try number(value))
        case ("payment", "="):
            guard let method = PaymentMethod(rawValue: value) else {
                throw FieldError(field: "rules", reason: "rule_value")
            }
            return .payment(method)
        case ("cool", "="):
            guard let cool = CoolType(rawValue: value) else { throw FieldError(field: "rules", reason: "rule_value") }
            return .cool(cool)
        case ("size", "="): return .sizeClass(value)
        case ("sku", "="): return .sku(value)
        case ("label", "="): return .label(try CatalogRules.label(value))
        case ("repeat", ">="): return .repeatAtLeast(try number(value))
        case ("flag", "="):
            guard let flag = AddressFlag(rawValue: value) else {
                throw FieldError(field: "rules", reason: "rule_value")
            }
            return .addressFlag(flag)
        default: throw FieldError(field: "rules", reason: "rule_condition")
        }
    }

    private static func action(_ text: String) throws(FieldError) -> RuleAction {
        guard let (key, op, value) = pair(text, ["="]), op == "=", !value.isEmpty, value.count <= 100 else {
            throw FieldError(field: "rules", reason: "rule_action")
        }
        switch key {
        case "carrier":
            guard let carrier = Carrier(rawValue: value) else { throw FieldError(field: "rules", reason: "rule_value") }
            return .carrier(carrier)
        case "service": return .service(try CatalogRules.text(value, field: "rules", limit: 30))
        case "label": return .label(try CatalogRules.label(value))
        case "hold": return .hold(try CatalogRules.text(value, field: "rules", limit: 100))
        case "status":
            guard let status = OrderStatus(rawValue: value), settableStatuses.contains(status) else {
                throw FieldError(field: "rules", reason: "rule_value")
            }
            return .status(status)
        default: throw FieldError(field: "rules", reason: "rule_action")
        }
    }

    /// What the rules decide for an order with these facts.
    public func apply(to facts: OrderFacts) -> RuleOutcome {
        var outcome = RuleOutcome()
        for rule in rules where rule.conditions.allSatisfy({ $0.holds(for: facts) }) {
            outcome.applied.append(rule.name)
            for action in rule.actions {
                switch action {
                case .carrier(let carrier): outcome.carrier = carrier
                case .service(let service): outcome.service = service
                case .label(let label):
                    if !outcome.labels.contains(label) && !facts.labels.contains(label) { outcome.labels.append(label) }
                case .hold(let reason): outcome.hold = outcome.hold ?? reason
                case .status(let status): outcome.status = status
                }
            }
        }
        return outcome
    }
}
