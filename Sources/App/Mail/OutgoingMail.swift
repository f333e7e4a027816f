import Foundation

/// A plain-text mail, rendered as UTF-8 MIME with RFC 2047 encoded headers so Japanese text survives.
struct OutgoingMail: Sendable, Equatable {
    var from: String
    var to: String
    var subject: String
    var body: String

    init(from: String, to: String, subject: String, body: String) {
        self.from = from
        self.to = to
        self.subject = subject
        self.body = body
    }

    /// The message as it goes on the wire or into an `.eml` file (CRLF line ends).
    func rendered(date: Date, messageID: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 0)
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        let encodedBody = Data(
            body.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n").utf8
        )
        .base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        let headers = [
            "From: \(Self.headerSafe(from))",
            "To: \(Self.headerSafe(to))",
            "Subject: \(Self.encodedWord(subject))",
            "Date: \(formatter.string(from: date))",
            "Message-ID: <\(messageID)>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=UTF-8",
            "Content-Transfer-Encoding: base64",
        ]
        return headers.joined(separator: "\r\n") + "\r\n\r\n" + encodedBody + "\r\n"
    }

    /// RFC 2047 `=?UTF-8?B?…?=` words for non-ASCII text, split so no encoded word exceeds 75 characters
    /// and no character is cut in half.
    static func encodedWord(_ text: String) -> String {
        let clean = headerSafe(text)
        if clean.allSatisfy({ $0.isASCII }) { return clean }
        var words: [String] = []
        var chunk = ""
        for character in clean {
            if (chunk + String(character)).utf8.count > 45 {
                words.append(chunk)
                chunk = ""
            }
            chunk.append(character)
        }
        if !chunk.isEmpty { words.append(chunk) }
        return words.map { "=?UTF-8?B?\(Data($0.utf8).base64EncodedString())?=" }.joined(separator: "\r\n ")
    }

    /// Header values never carry line breaks (no header injection).
    static func headerSafe(_ text: String) -> String {
        text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
    }
}
