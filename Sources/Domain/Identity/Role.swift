import Foundation

/// A user's role inside one tenant; permissions are derived from it (deny by default).
public enum Role: String, Codable, Sendable, CaseIterable {
    case admin
    case staff
    case viewer
}

/// A business module that permissions are granted on.
public enum Module: String, Codable, CodingKeyRepresentable, Sendable, CaseIterable {
    case orders
    case inventory
    case catalog
    case purchasing
    case analytics
    case settings
}

/// How far a user may go in a module. Ordered: none < read < write.
public enum Access: String, Codable, Sendable, CaseIterable, Comparable {
    case none
    case read
    case write

    private var rank: Int {
        switch self {
        case .none: 0
        case .read: 1
        case .write: 2
        }
    }

    public static func < (lhs: Access, rhs: Access) -> Bool { lhs.rank < rhs.rank }
}

/// The effective permissions of a user: what each module allows. Anything not granted is denied.
public struct Permissions: Sendable, Equatable, Codable {
    /// Per-module grants for staff; ignored for admins and viewers.
    public var grants: [Module: Access]
    public var role: Role

    public init(role: Role, grants: [Module: Access] = [:]) {
        self.role = role
        self.grants = grants
    }

    /// The access this user has to `module`.
    public func access(to module: Module) -> Access {
        switch role {
        case .admin:
            return .write
        case .viewer:
            // Viewers read the business modules but never the tenant's security settings.
            return module == .settings ? .none : .read
        case .staff:
            // Settings (users, keys, security) stay with admins whatever a grant says.
            if module == .settings { return .none }
            return grants[module] ?? .none
        }
    }

    /// Whether `access` on `module` is allowed.
    public func allows(_ module: Module, _ needed: Access) -> Bool {
        access(to: module) >= needed
    }
}
