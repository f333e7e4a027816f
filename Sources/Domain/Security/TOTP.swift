import Crypto
import Foundation

/// Time-based one-time passwords (RFC 6238): HMAC-SHA1, 6 digits, 30-second steps.
public struct TOTP: Sendable {
    public let secret: [UInt8]
    public static let digits = 6
    public static let period: TimeInterval = 30

    public init(secret: [UInt8]) {
        self.secret = secret
    }

    /// A new random 160-bit secret.
    public static func generateSecret() -> [UInt8] {
        var rng = SystemRandomNumberGenerator()
        return (0..<20).map { _ in UInt8.random(in: 0...255, using: &rng) }
    }

    public static func step(at date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 / period).rounded(.down))
    }

    /// The code for time step `step` (RFC 4226 dynamic truncation).
    public func code(step: Int64) -> String {
        var counter = UInt64(bitPattern: step).bigEndian
        let message = withUnsafeBytes(of: &counter) { Array($0) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: secret)))
        let offset = Int(mac[mac.count - 1] & 0x0f)
        let binary =
            (UInt32(mac[offset] & 0x7f) << 24) | (UInt32(mac[offset + 1]) << 16) | (UInt32(mac[offset + 2]) << 8)
            | UInt32(mac[offset + 3])
        let value = binary % 1_000_000
        let text = String(value)
        return String(repeating: "0", count: Self.digits - text.count) + text
    }

    /// The step whose code matches `code` within ±1 step of `now` and after `lastUsedStep`, or nil. A code is
    /// accepted once: the caller stores the returned step and passes it as `lastUsedStep` next time.
    public func verify(_ typed: String, at now: Date, lastUsedStep: Int64?) -> Int64? {
        let trimmed = typed.filter { !$0.isWhitespace }
        guard trimmed.count == Self.digits, trimmed.allSatisfy(\.isASCII), trimmed.allSatisfy(\.isNumber) else {
            return nil
        }
        let current = Self.step(at: now)
        for step in [current - 1, current, current + 1] where step > (lastUsedStep ?? Int64.min) {
            if ConstantTime.equal(Array(self.code(step: step).utf8), Array(trimmed.utf8)) { return step }
        }
        return nil
    }

    /// The `otpauth://` URI that authenticator apps read from a QR code.
    public func provisioningURI(account: String, issuer: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~@")
        let label = "\(issuer):\(account)".addingPercentEncoding(withAllowedCharacters: allowed) ?? account
        let issuerParam = issuer.addingPercentEncoding(withAllowedCharacters: allowed) ?? issuer
        return "otpauth://totp/\(label)?secret=\(Base32.encode(secret))&issuer=\(issuerParam)"
            + "&algorithm=SHA1&digits=\(Self.digits)&period=\(Int(Self.period))"
    }
}

/// RFC 4648 base32, upper case, without padding (as authenticator apps expect).
public enum Base32 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")

    public static func encode(_ bytes: [UInt8]) -> String {
        var out = ""
        var buffer = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | Int(byte)
            bits += 8
            while bits >= 5 {
                out.append(alphabet[(buffer >> (bits - 5)) & 31])
                bits -= 5
            }
        }
        if bits > 0 { out.append(alphabet[(buffer << (5 - bits)) & 31]) }
        return out
    }

    public static func decode(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        var buffer = 0
        var bits = 0
        for ch in text.uppercased() where ch != "=" && ch != " " {
            guard let index = alphabet.firstIndex(of: ch) else { return nil }
            buffer = (buffer << 5) | index
            bits += 5
            if bits >= 8 {
                out.append(UInt8((buffer >> (bits - 8)) & 0xff))
                bits -= 8
            }
        }
        return out
    }
}

/// Single-use recovery codes for when the authenticator is lost: `xxxx-xxxx`, lower-case letters and digits
/// without look-alikes.
public enum RecoveryCodes {
    private static let alphabet = Array("abcdefghjkmnpqrstuvwxyz23456789")

    public static func generate(count: Int = 10) -> [String] {
        var rng = SystemRandomNumberGenerator()
        return (0..<count).map { _ in
            let chars = (0..<8).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &rng)] }
            return String(chars[0..<4]) + "-" + String(chars[4..<8])
        }
    }

    /// The form in which a typed code is hashed: lower case, no spaces or hyphens.
    public static func normalize(_ code: String) -> String {
        code.lowercased().filter { $0.isLetter || $0.isNumber }
    }
}
