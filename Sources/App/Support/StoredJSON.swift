import Foundation

/// A structured value kept as JSON text in one column (text on SQLite and PostgreSQL alike). It reads back as its
/// type or not at all: JSON that does not decode is an error, never an empty value.
struct StoredJSON<Value: Codable & Sendable>: Codable, Sendable {
    var value: Value

    init(_ value: Value) {
        self.value = value
    }

    init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            value = try JSONDecoder().decode(Value.self, from: Data(text.utf8))
        } catch {
            // A server error (logged), not the client's: the database holds something Akinai cannot read.
            throw StoredValueError(
                table: "",
                column: decoder.codingPath.map(\.stringValue).joined(separator: "."),
                underlying: String(describing: error)
            )
        }
    }

    func encode(to encoder: any Encoder) throws {
        let json = JSONEncoder()
        json.outputFormatting = .sortedKeys
        var container = encoder.singleValueContainer()
        try container.encode(String(decoding: try json.encode(value), as: UTF8.self))
    }

    /// The JSON text stored, for statements written by hand.
    var text: String {
        let json = JSONEncoder()
        json.outputFormatting = .sortedKeys
        return (try? json.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }
}
