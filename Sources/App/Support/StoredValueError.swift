import Foundation
import SQLKit

/// A stored value Akinai cannot read. Reaching it means the database was edited by hand or by a newer version;
/// the request fails (500, logged) rather than carrying on with a guess.
struct StoredValueError: Error, CustomStringConvertible {
    let table: String
    let column: String
    let underlying: String

    var description: String { "unreadable value in \(table).\(column): \(underlying)" }
}

extension SQLRow {
    /// Column `column` of a row read by hand-written SQL, as `T`. A stored value Akinai cannot read (a role or
    /// state it does not know) is a `StoredValueError`, a server error, never the `DecodingError` that means a
    /// client sent bad input.
    func stored<T: Decodable>(_ column: String, as type: T.Type = T.self, table: String) throws -> T {
        do {
            return try decode(column: column, as: T.self)
        } catch let error as StoredValueError {
            // A `StoredRow` does not know its table; this caller does.
            throw error.table == StoredRow.unknownTable
                ? StoredValueError(table: table, column: error.column, underlying: error.underlying) : error
        } catch {
            throw StoredValueError(table: table, column: column, underlying: String(describing: error))
        }
    }
}

/// A row of hand-written SQL whose every value is a stored one: a value that cannot be read as asked is a
/// `StoredValueError` (500), never the `DecodingError` that answers 400 for a client's bad input.
struct StoredRow: SQLRow {
    let row: any SQLRow

    var allColumns: [String] { row.allColumns }
    func contains(column: String) -> Bool { row.contains(column: column) }
    func decodeNil(column: String) throws -> Bool { try row.decodeNil(column: column) }

    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        try row.stored(column, as: D.self, table: Self.unknownTable)
    }

    static let unknownTable = "query"
}
