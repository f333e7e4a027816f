import Crypto
import CryptoExtras
import Foundation

/// Hashes passwords with scrypt and verifies them; the parameters travel inside each hash string,
/// so the cost can be raised later without invalidating stored hashes.
///
/// Format: `$scrypt$ln=17,r=8,p=1$<salt b64>$<hash b64>`. The password is NFKC-normalised and hashed as
/// UTF-8 in full — no 72-byte truncation as with bcrypt.
public struct ScryptHasher: Sendable {
    /// log2 of scrypt's N. 17 in production (128 MiB, about a second); low in tests.
    public let logN: Int
    public let r: Int
    public let p: Int

    public init(logN: Int = 17, r: Int = 8, p: Int = 1) {
        self.logN = logN
        self.r = r
        self.p = p
    }

    /// Errors raised while hashing or reading a stored hash.
    public enum HashError: Error, Equatable {
        case malformedHash
    }

    /// Returns a new hash string for `password` with a fresh 16-byte salt.
    public func hash(_ password: String) throws -> String {
        var salt = [UInt8](repeating: 0, count: 16)
        var rng = SystemRandomNumberGenerator()
        for i in salt.indices { salt[i] = UInt8.random(in: 0...255, using: &rng) }
        let derived = try Self.derive(password, salt: salt, logN: logN, r: r, p: p)
        return
            "$scrypt$ln=\(logN),r=\(r),p=\(p)$\(Data(salt).base64EncodedString())$\(Data(derived).base64EncodedString())"
    }

    /// Whether `password` matches `stored`, compared in constant time.
    public func verify(_ password: String, against stored: String) throws -> Bool {
        let parts = stored.split(separator: "$", omittingEmptySubsequences: true)
        guard parts.count == 4, parts[0] == "scrypt" else { throw HashError.malformedHash }
        var params: [String: Int] = [:]
        for pair in parts[1].split(separator: ",") {
            let kv = pair.split(separator: "=")
            guard kv.count == 2, let value = Int(kv[1]) else { throw HashError.malformedHash }
            params[String(kv[0])] = value
        }
        guard let ln = params["ln"], let r = params["r"], let p = params["p"], (1...22).contains(ln),
            let salt = Data(base64Encoded: String(parts[2])), let expected = Data(base64Encoded: String(parts[3]))
        else { throw HashError.malformedHash }
        let derived = try Self.derive(password, salt: Array(salt), logN: ln, r: r, p: p, length: expected.count)
        return ConstantTime.equal(derived, Array(expected))
    }

    /// Whether `stored` was made with weaker parameters than this hasher's, so it should be re-hashed.
    public func needsRehash(_ stored: String) -> Bool {
        !stored.hasPrefix("$scrypt$ln=\(logN),r=\(r),p=\(p)$")
    }

    private static func derive(
        _ password: String,
        salt: [UInt8],
        logN: Int,
        r: Int,
        p: Int,
        length: Int = 32
    ) throws -> [UInt8] {
        let normalized = password.precomposedStringWithCompatibilityMapping
        let n = 1 << logN
        // scrypt needs 128·r·N bytes for V plus 128·r·p for B; give BoringSSL room beyond its 32 MiB default.
        let memory = 128 * r * (n + p + 2) + 1024 * 1024
        let key = try KDF.Scrypt.deriveKey(
            from: Array(normalized.utf8),
            salt: salt,
            outputByteCount: length,
            rounds: n,
            blockSize: r,
            parallelism: p,
            maxMemory: memory
        )
        return key.withUnsafeBytes { Array($0) }
    }
}

/// Comparisons whose duration does not depend on where the inputs differ.
public enum ConstantTime {
    public static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var diff: UInt8 = 0
        for i in a.indices { diff |= a[i] ^ b[i] }
        return diff == 0
    }
}
