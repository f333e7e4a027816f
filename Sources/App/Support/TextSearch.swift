import FluentKit
import FluentSQL
import Foundation
import SQLKit

/// Substring search typed by a user: `%`, `_` and `!` match themselves (not "anything"), case does not matter
/// (alike on SQLite and PostgreSQL), and at most the first 100 characters count.
enum TextSearch {
    static let maximumLength = 100

    /// The LIKE pattern for `text`, with `!` as the escape character.
    static func pattern(_ text: String) -> String {
        var escaped = ""
        for character in text.prefix(maximumLength).lowercased() {
            if character == "!" || character == "%" || character == "_" { escaped.append("!") }
            escaped.append(character)
        }
        return "%" + escaped + "%"
    }

    /// `column` contains `text`.
    static func contains(_ column: FieldKey, _ text: String) -> DatabaseQuery.Filter {
        .sql(embed: "LOWER(\(ident: column.description)) LIKE \(bind: pattern(text)) ESCAPE '!'")
    }
}

extension QueryBuilder {
    /// Keeps rows where any of `columns` contains `text` (inside a `group(.or)` or on its own).
    @discardableResult
    func anyContains(_ text: String, in columns: [FieldKey]) -> Self {
        group(.or) { group in
            for column in columns { group.filter(TextSearch.contains(column, text)) }
        }
    }
}
