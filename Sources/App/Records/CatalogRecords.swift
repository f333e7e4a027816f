import Domain
import FluentKit
import Foundation

/// A place stock is kept.
public final class WarehouseRecord: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "warehouses"
    public static var tenantKey: KeyPath<WarehouseRecord, FieldProperty<WarehouseRecord, UUID>> { \.$tenantID }

    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "code") public var code: String
    @Field(key: "name") public var name: String
    @Field(key: "is_default") public var isDefault: Bool
    @Field(key: "created_at") public var createdAt: Date

    public init() {}

    init(tenantID: UUID, code: String, name: String, isDefault: Bool, now: Date) {
        self.id = UUID()
        self.tenantID = tenantID
        self.code = code
        self.name = name
        self.isDefault = isDefault
        self.createdAt = now
    }
}

/// A product of the master; its variants are SKUs.
public final class ProductRecord: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "products"
    public static var tenantKey: KeyPath<ProductRecord, FieldProperty<ProductRecord, UUID>> { \.$tenantID }

    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "code") public var code: String
    @Field(key: "name") public var name: String
    @Field(key: "supplier") public var supplier: String
    /// Comma-separated labels.
    @Field(key: "labels") public var labels: String
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "updated_at") public var updatedAt: Date

    public init() {}
}

/// A sellable variant (size, colour) with its own code, barcode, price and stock; or a set of other SKUs.
public final class SKURecord: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "skus"
    public static var tenantKey: KeyPath<SKURecord, FieldProperty<SKURecord, UUID>> { \.$tenantID }

    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "product_id") public var productID: UUID
    @Field(key: "code") public var code: String
    @Field(key: "variant") public var variant: String
    @OptionalField(key: "jan") public var jan: String?
    /// Price in yen, tax included.
    @Field(key: "price") public var price: Int
    @Field(key: "tax_class") public var taxClass: String
    @Field(key: "size_class") public var sizeClass: String
    @Field(key: "cool_type") public var coolType: String
    /// A set product: its stock is derived from its components and never stored.
    @Field(key: "is_set") public var isSet: Bool
    @OptionalField(key: "reorder_point") public var reorderPoint: Int?
    @Field(key: "reorder_alerted") public var reorderAlerted: Bool
    @Field(key: "labels") public var labels: String
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "updated_at") public var updatedAt: Date

    public init() {}
}

/// One component of a set product.
public final class SetComponentRecord: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "set_components"
    public static var tenantKey: KeyPath<SetComponentRecord, FieldProperty<SetComponentRecord, UUID>> { \.$tenantID }

    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "set_sku_id") public var setSKUID: UUID
    @Field(key: "component_sku_id") public var componentSKUID: UUID
    @Field(key: "quantity") public var quantity: Int

    public init() {}
}

/// A SKU's figures in one warehouse; always equal to the sum of its ledger.
public final class StockLevelRecord: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "stock_levels"
    public static var tenantKey: KeyPath<StockLevelRecord, FieldProperty<StockLevelRecord, UUID>> { \.$tenantID }

    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "sku_id") public var skuID: UUID
    @Field(key: "warehouse_id") public var warehouseID: UUID
    @Field(key: "on_hand") public var onHand: Int
    @Field(key: "reserved") public var reserved: Int
    @Field(key: "updated_at") public var updatedAt: Date

    public init() {}

    /// The empty stock row a new plain SKU starts with in `warehouseID`.
    init(emptyFor skuID: UUID, in warehouseID: UUID, now: Date) {
        self.id = UUID()
        self.skuID = skuID
        self.warehouseID = warehouseID
        self.onHand = 0
        self.reserved = 0
        self.updatedAt = now
    }

    var figures: StockFigures { StockFigures(onHand: onHand, reserved: reserved) }
}

/// One entry of the stock ledger.
public final class StockMovementRecord: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "stock_movements"
    public static var tenantKey: KeyPath<StockMovementRecord, FieldProperty<StockMovementRecord, UUID>> { \.$tenantID }

    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "sku_id") public var skuID: UUID
    @Field(key: "warehouse_id") public var warehouseID: UUID
    @Field(key: "kind") public var kind: String
    @Field(key: "on_hand_delta") public var onHandDelta: Int
    @Field(key: "reserved_delta") public var reservedDelta: Int
    @Field(key: "reference") public var reference: String
    @Field(key: "reason") public var reason: String
    @Field(key: "actor_label") public var actorLabel: String
    @Field(key: "created_at") public var createdAt: Date

    public init() {}
}

/// An order's hold on stock, by the order's reference; makes reserving idempotent.
public final class ReservationRecord: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "reservations"
    public static var tenantKey: KeyPath<ReservationRecord, FieldProperty<ReservationRecord, UUID>> { \.$tenantID }

    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "reference") public var reference: String
    /// `held`, `released` or `committed`.
    @Field(key: "status") public var status: String
    /// JSON: the plain-SKU quantities held (`[{"sku": id, "quantity": n}]`).
    @Field(key: "lines") public var lines: String
    @Field(key: "warehouse_id") public var warehouseID: UUID
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "updated_at") public var updatedAt: Date

    public init() {}
}

/// Which SKU is sold on which channel under which item code, and what the channel is shown.
public final class ChannelListingRecord: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "channel_listings"
    public static var tenantKey: KeyPath<ChannelListingRecord, FieldProperty<ChannelListingRecord, UUID>> {
        \.$tenantID
    }

    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "sku_id") public var skuID: UUID
    @Field(key: "channel") public var channel: String
    @Field(key: "item_code") public var itemCode: String
    @Field(key: "rule") public var rule: String
    /// 表示在庫, recomputed on every change of available stock, ready for the channel sync.
    @Field(key: "shown") public var shown: Int
    @Field(key: "updated_at") public var updatedAt: Date

    public init() {}
}
