import FluentKit
import Foundation

/// A Fluent model that belongs to one tenant. Such records are reached only through `TenantDatabase`,
/// which filters every query by the tenant and stamps it on every create.
protocol TenantOwned: Model where IDValue == UUID {
    /// The `tenant_id` field.
    static var tenantKey: KeyPath<Self, FieldProperty<Self, UUID>> { get }
    var tenantID: UUID { get set }
}
