import Crypto
import Foundation

/// Random secrets handed to a browser or an API client, and the hashes under which they are stored.
public enum SecretToken {
    /// A URL-safe random string carrying `bytes` bytes of entropy, with an optional prefix.
    public static func generate(prefix: String = "", bytes: Int = 32) -> String {
        var raw = [UInt8](repeating: 0, count: bytes)
        var rng = SystemRandomNumberGenerator()
        for i in raw.indices { raw[i] = UInt8.random(in: 0...255, using: &rng) }
        return prefix + Base64URL.encode(raw)
    }

    /// The SHA-256 of a token as lower-case hex: what the database keeps instead of the token.
    public static func digest(_ token: String) -> String {
        SHA256.hash(data: Array(token.utf8)).hexString
    }
}

/// Base64 with the URL-safe alphabet and no padding (RFC 4648 §5).
public enum Base64URL {
    public static func encode(_ bytes: some DataProtocol) -> String {
        // Byte by byte: three `replacingOccurrences` through Foundation cost more than the encoding itself.
        var encoded: [UInt8] = []
        for byte in Data(bytes).base64EncodedData() {
            switch byte {
            case UInt8(ascii: "+"): encoded.append(UInt8(ascii: "-"))
            case UInt8(ascii: "/"): encoded.append(UInt8(ascii: "_"))
            case UInt8(ascii: "="): continue
            default: encoded.append(byte)
            }
        }
        return String(decoding: encoded, as: UTF8.self)
    }

    public static func decode(_ text: String) -> Data? {
        var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while s.count % 4 != 0 { s += "=" }
        return Data(base64Encoded: s)
    }
}

extension Sequence where Element == UInt8 {
    /// Lower-case hexadecimal.
    public var hexString: String {
        // By hand: `String(format:)` per byte costs more than the hash it prints, on every audit event and index.
        let digits = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            bytes.append(digits[Int(byte >> 4)])
            bytes.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension Digest {
    /// Lower-case hexadecimal of the digest.
    public var hexString: String { Array(self).hexString }
}
