import Foundation

/// RFC 4180 CSV read as bytes arrive, for files too large to hold as text: records come out one at a time and
/// memory stays at one record (at most `maximumRecordBytes`) plus the chunk in hand. The separators (`,`, `"`,
/// CR, LF) are ASCII and never occur inside a multi-byte character of UTF-8 or CP932 (whose trail bytes are
/// 0x40 and above), so records are split before the text is decoded.
public struct CSVRecordSplitter: Sendable {
    public static let maximumRecordBytes = 65_536

    /// One record's fields as raw bytes, and the line it starts on (1-based).
    public struct Record: Sendable, Equatable {
        public let line: Int
        public let fields: [[UInt8]]
    }

    public enum Failure: Error, Equatable {
        /// A quote that never closes.
        case unclosedQuote(line: Int)
        /// A record longer than `maximumRecordBytes`.
        case recordTooLong(line: Int)
    }

    private enum State: Sendable { case unquoted, quoted, quoteInQuoted }

    private var state = State.unquoted
    private var field: [UInt8] = []
    private var fields: [[UInt8]] = []
    private var line = 1
    private var recordLine = 1
    private var recordBytes = 0
    private var bomChecked = 0
    private var bom: [UInt8] = []

    public init() {}

    /// Reads `bytes`, calling `emit` for every record they complete.
    public mutating func feed(_ bytes: some Sequence<UInt8>, emit: (Record) throws -> Void) throws {
        for byte in bytes {
            // A UTF-8 byte order mark at the very start is not part of the first field.
            if bomChecked < 3 {
                if byte == [0xEF, 0xBB, 0xBF][bomChecked] {
                    bom.append(byte)
                    bomChecked += 1
                    continue
                }
                bomChecked = 3
                let held = bom
                bom = []
                for earlier in held { try take(earlier, emit: emit) }
            }
            try take(byte, emit: emit)
        }
    }

    /// Ends the input: emits the last record when it has no line break after it.
    public mutating func finish(emit: (Record) throws -> Void) throws {
        if bomChecked < 3 {
            bomChecked = 3
            let held = bom
            bom = []
            for earlier in held { try take(earlier, emit: emit) }
        }
        if state == .quoted { throw Failure.unclosedQuote(line: recordLine) }
        if !field.isEmpty || !fields.isEmpty {
            fields.append(field)
            try emit(Record(line: recordLine, fields: fields))
        }
        field = []
        fields = []
        state = .unquoted
    }

    private mutating func take(_ byte: UInt8, emit: (Record) throws -> Void) throws {
        recordBytes += 1
        if recordBytes > Self.maximumRecordBytes { throw Failure.recordTooLong(line: recordLine) }
        switch state {
        case .quoted:
            if byte == UInt8(ascii: "\"") {
                state = .quoteInQuoted
            } else {
                if byte == UInt8(ascii: "\n") { line += 1 }
                field.append(byte)
            }
        case .quoteInQuoted:
            if byte == UInt8(ascii: "\"") {
                field.append(byte)
                state = .quoted
            } else {
                state = .unquoted
                try unquoted(byte, emit: emit)
            }
        case .unquoted:
            try unquoted(byte, emit: emit)
        }
    }

    private mutating func unquoted(_ byte: UInt8, emit: (Record) throws -> Void) throws {
        switch byte {
        case UInt8(ascii: "\""): state = .quoted
        case UInt8(ascii: ","):
            fields.append(field)
            field = []
        case UInt8(ascii: "\r"): break
        case UInt8(ascii: "\n"):
            fields.append(field)
            if !(fields.count == 1 && fields[0].isEmpty) { try emit(Record(line: recordLine, fields: fields)) }
            fields = []
            field = []
            line += 1
            recordLine = line
            recordBytes = 0
        default: field.append(byte)
        }
    }
}

/// Whether a byte stream is valid UTF-8, checked chunk by chunk (a character may straddle two chunks).
public struct UTF8Check: Sendable {
    private var carry: [UInt8] = []
    public private(set) var isValid = true

    public init() {}

    public mutating func feed(_ chunk: [UInt8]) {
        guard isValid else { return }
        let bytes = carry + chunk
        // Hold back a trailing character that is not complete yet.
        var cut = bytes.count
        var back = 0
        while back < min(3, bytes.count) {
            let byte = bytes[bytes.count - 1 - back]
            if byte & 0xC0 != 0x80 {
                let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
                if length > back + 1 { cut = bytes.count - 1 - back }
                break
            }
            back += 1
        }
        carry = Array(bytes[cut...])
        if String(validating: bytes[..<cut], as: UTF8.self) == nil { isValid = false }
    }

    /// Whether the whole stream was valid UTF-8.
    public mutating func finish() -> Bool {
        if !carry.isEmpty { isValid = false }
        return isValid
    }
}

extension CSV {
    /// The text of one field's bytes in `encoding` (`utf-8` or `cp932`), or nil when they are not.
    public static func text(_ bytes: [UInt8], encoding: String) -> String? {
        if encoding == "utf-8" { return String(validating: bytes, as: UTF8.self) }
        if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
        return String(data: Data(bytes), encoding: .shiftJIS)
    }
}
