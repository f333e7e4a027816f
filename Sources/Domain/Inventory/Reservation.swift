import Foundation

/// The states of a reservation: held until the goods ship (committed) or the order is cancelled (released).
public enum ReservationStatus: String, Codable, Sendable, CaseIterable {
    case held
    case committed
    case released
}

/// What a reservation holds of one plain SKU (sets already expanded into their components).
public struct HeldQuantity: Codable, Sendable, Equatable {
    public let sku: UUID
    public let quantity: Int

    public init(sku: UUID, quantity: Int) {
        self.sku = sku
        self.quantity = quantity
    }

    private enum CodingKeys: String, CodingKey {
        case sku
        case quantity
    }

    /// A stored line with a quantity outside what `SetProducts.expand` can produce (1…Int32.max) is refused:
    /// settling part of an order, or a negative amount, would leave the figures wrong for good.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        sku = try container.decode(UUID.self, forKey: .sku)
        // Reservations written by earlier versions carry the quantity as a string ("3").
        if let number = try? container.decode(Int.self, forKey: .quantity) {
            quantity = number
        } else if let text = try? container.decode(String.self, forKey: .quantity), let number = Int(text) {
            quantity = number
        } else {
            throw DecodingError.dataCorruptedError(forKey: .quantity, in: container, debugDescription: "no quantity")
        }
        guard (1...Int(Int32.max)).contains(quantity) else {
            throw DecodingError.dataCorruptedError(
                forKey: .quantity,
                in: container,
                debugDescription: "quantity \(quantity) out of range"
            )
        }
    }
}
