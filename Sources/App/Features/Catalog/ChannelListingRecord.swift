import Domain
import FluentKit
import Foundation

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
