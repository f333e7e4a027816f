import Foundation

/// A stored value Akinai cannot read. Reaching it means the database was edited by hand or by a newer version;
/// the request fails (500, logged) rather than carrying on with a guess.
struct StoredValueError: Error, CustomStringConvertible {
    let table: String
    let column: String
    let underlying: String

    var description: String { "unreadable value in \(table).\(column): \(underlying)" }
}
