import Domain
import FluentKit
import Foundation

/// Which SKU is sold on which channel under which item code, and what the channel is shown.
final class ChannelListingRecord: Model, TenantOwned, @unchecked Sendable {
    static let schema = "channel_listings"
    static var tenantKey: KeyPath<ChannelListingRecord, FieldProperty<ChannelListingRecord, UUID>> {
        \.$tenantID
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "tenant_id") var tenantID: UUID
    @Field(key: "sku_id") var skuID: UUID
    @Field(key: "channel") var channel: String
    @Field(key: "item_code") var itemCode: String
    @Field(key: "rule") var rule: String
    /// 表示在庫, recomputed on every change of available stock, ready for the channel sync.
    @Field(key: "shown") var shown: Int
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
}
