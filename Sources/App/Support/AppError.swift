import Domain
import Vapor

/// An error with an HTTP status, a stable code for API clients, and a message key for people.
struct AppError: AbortError, Sendable {
    let status: HTTPResponseStatus
    let code: String
    /// A key into the message tables (`Strings`), or plain text when no key matches.
    let messageKey: String
    var field: String?

    var reason: String { messageKey }

    init(_ status: HTTPResponseStatus, code: String, messageKey: String? = nil, field: String? = nil) {
        self.status = status
        self.code = code
        self.messageKey = messageKey ?? "error.\(code)"
        self.field = field
    }

    static let unauthorized = AppError(.unauthorized, code: "unauthorized")
    static let forbidden = AppError(.forbidden, code: "forbidden")
    static let notFound = AppError(.notFound, code: "not_found")
    static let csrf = AppError(.forbidden, code: "csrf_failed")

    /// A 422 for one invalid field.
    static func invalid(_ error: FieldError) -> AppError {
        AppError(
            .unprocessableEntity,
            code: "validation_failed",
            messageKey: "error.\(error.reason)",
            field: error.field
        )
    }

    /// A 409 for a request that conflicts with the current state.
    static func conflict(_ key: String) -> AppError {
        AppError(.conflict, code: "conflict", messageKey: "error.\(key)")
    }
}
