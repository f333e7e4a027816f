import Domain
import Foundation
import MultipartKit
import NIOCore
import Vapor

/// Writes an uploaded body to a file as it arrives, holding no more than one chunk in memory, and refuses it
/// past `limit` bytes (413) — for routes registered with `body: .stream`.
enum StreamedUpload {
    /// The small fields of a form, each at most this long, and at most this many of them.
    static let maximumFieldBytes = 4096
    static let maximumFields = 20

    /// A raw body (the API's `text/csv`), saved to `path`; returns its size.
    @discardableResult
    static func saveBody(_ request: Request, to path: String, limit: Int) async throws -> Int {
        let file = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? file.close() }
        var total = 0
        for try await chunk in request.body {
            total += chunk.readableBytes
            guard total <= limit else { throw tooLarge }
            try file.write(contentsOf: chunk.readableBytesView)
        }
        return total
    }

    /// A `multipart/form-data` body: the part named `fileField` is saved to `path`, the other parts are returned
    /// as text. `beforeFile` sees the fields sent before the file part and may refuse the upload before a byte
    /// of the file is read (the CSRF token, which the form sends first); when there is no file part, it is
    /// called at the end.
    static func saveForm(
        _ request: Request,
        fileField: String,
        to path: String,
        limit: Int,
        beforeFile: @escaping ([String: String]) throws -> Void
    ) async throws -> (fields: [String: String], fileBytes: Int) {
        guard let boundary = request.headers.contentType?.parameters["boundary"],
            request.headers.contentType?.subType == "form-data", !boundary.isEmpty, boundary.utf8.count <= 200
        else {
            throw AppError(
                .unsupportedMediaType,
                code: "unsupported_media_type",
                messageKey: "error.unsupported_media_type"
            )
        }
        let file = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? file.close() }
        let state = FormState(fileField: fileField, file: file, beforeFile: beforeFile)
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { name, value in state.header(name, value) }
        parser.onBody = { buffer in state.body(&buffer) }
        parser.onPartComplete = { state.partComplete() }
        var total = 0
        for try await chunk in request.body {
            total += chunk.readableBytes
            guard total <= limit else { throw tooLarge }
            do {
                try parser.execute(chunk)
            } catch {
                throw AppError(.badRequest, code: "bad_request", messageKey: "error.bad_request")
            }
            if let failure = state.failure { throw failure }
        }
        if !state.fileStarted { try beforeFile(state.fields) }
        if let failure = state.failure { throw failure }
        return (state.fields, state.fileBytes)
    }

    private static var tooLarge: AppError {
        AppError(.payloadTooLarge, code: "payload_too_large", messageKey: "error.payload_too_large")
    }

    /// What the parser's callbacks share; they run one after another on the request's task.
    private final class FormState {
        let fileField: String
        let file: FileHandle
        let beforeFile: ([String: String]) throws -> Void
        var fields: [String: String] = [:]
        var failure: (any Error)?
        var fileStarted = false
        var fileBytes = 0
        private var name: String?
        private var value: [UInt8] = []

        init(fileField: String, file: FileHandle, beforeFile: @escaping ([String: String]) throws -> Void) {
            self.fileField = fileField
            self.file = file
            self.beforeFile = beforeFile
        }

        func header(_ header: String, _ value: String) {
            guard header.lowercased() == "content-disposition" else { return }
            for parameter in value.split(separator: ";") {
                let pair = parameter.trimmingCharacters(in: .whitespaces)
                if pair.hasPrefix("name=") {
                    name = String(pair.dropFirst(5)).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                }
            }
        }

        func body(_ buffer: inout ByteBuffer) {
            guard failure == nil, let name else { return }
            if name == fileField {
                if !fileStarted {
                    fileStarted = true
                    do { try beforeFile(fields) } catch {
                        failure = error
                        return
                    }
                }
                do {
                    try file.write(contentsOf: buffer.readableBytesView)
                    fileBytes += buffer.readableBytes
                } catch { failure = error }
            } else {
                value += buffer.readableBytesView
                if value.count > StreamedUpload.maximumFieldBytes {
                    failure = AppError(
                        .payloadTooLarge,
                        code: "payload_too_large",
                        messageKey: "error.payload_too_large"
                    )
                }
            }
        }

        func partComplete() {
            if let name, name != fileField, fields[name] == nil {
                fields[name] = String(decoding: value, as: UTF8.self)
                if fields.count > StreamedUpload.maximumFields, failure == nil {
                    failure = AppError(
                        .payloadTooLarge,
                        code: "payload_too_large",
                        messageKey: "error.payload_too_large"
                    )
                }
            }
            name = nil
            value = []
        }
    }
}

extension StreamedUpload {
    /// A signed-in form's upload of field `file` to `path`: its CSRF token (the `X-CSRF-Token` header, already checked
    /// by `SessionAuthenticator`, or the form's `_csrf` field, which comes before the file) is checked before a byte of
    /// the file is read, and an empty file is refused. Returns the form's other fields.
    static func saveCheckedForm(
        _ request: Request,
        csrf expected: String?,
        to path: String,
        limit: Int
    ) async throws -> [String: String] {
        guard let expected else { throw AppError.csrf }
        let checkedByHeader = request.headers.first(name: "X-CSRF-Token") != nil
        let (fields, size) = try await saveForm(request, fileField: "file", to: path, limit: limit) { fields in
            if !checkedByHeader { try SessionAuthenticator.checkCSRF(fields["_csrf"], expected: expected) }
        }
        guard size > 0 else {
            throw AppError(
                .unprocessableEntity,
                code: "validation_failed",
                messageKey: "error.file_required",
                field: "file"
            )
        }
        return fields
    }

    /// The `dryRun` query parameter of an API upload: absent or `false`, or `true`; anything else is refused.
    static func dryRun(_ request: Request) throws -> Bool {
        switch request.query[String.self, at: "dryRun"] {
        case nil, "false": return false
        case "true": return true
        default: throw AppError.invalid(FieldError(field: "dryRun", reason: "boolean_invalid"))
        }
    }
}
