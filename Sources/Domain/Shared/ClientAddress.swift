import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address. IPv4-mapped IPv6 addresses (`::ffff:192.0.2.1`) are taken as the IPv4 address.
public struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    /// 4 bytes for IPv4, 16 for IPv6.
    public let bytes: [UInt8]

    public var isIPv4: Bool { bytes.count == 4 }

    /// Parses the textual form (`192.0.2.1`, `2001:db8::1`; an IPv6 zone such as `%eth0` is dropped).
    public init?(_ text: some StringProtocol) {
        var text = String(text)
        guard !text.isEmpty, text.utf8.count <= 64 else { return nil }
        if let zone = text.firstIndex(of: "%") { text = String(text[..<zone]) }
        var four = in_addr()
        if inet_pton(AF_INET, text, &four) == 1 {
            bytes = withUnsafeBytes(of: &four) { Array($0) }
            return
        }
        var six = in6_addr()
        guard inet_pton(AF_INET6, text, &six) == 1 else { return nil }
        let raw = withUnsafeBytes(of: &six) { Array($0) }
        if raw[0..<10].allSatisfy({ $0 == 0 }) && raw[10] == 0xFF && raw[11] == 0xFF {
            bytes = Array(raw[12..<16])
        } else {
            bytes = raw
        }
    }

    public var description: String {
        if isIPv4 { return bytes.map(String.init).joined(separator: ".") }
        var six = in6_addr()
        withUnsafeMutableBytes(of: &six) { $0.copyBytes(from: bytes) }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(AF_INET6, &six, &buffer, socklen_t(buffer.count)) != nil else { return "::" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// What rate limits count by: the address itself for IPv4, the /64 network for IPv6 — one subscriber is
    /// usually given a whole /64, so counting single IPv6 addresses would give an attacker unlimited counters.
    public var rateLimitKey: String {
        if isIPv4 { return description }
        return IPAddress(unchecked: Array(bytes[0..<8]) + [UInt8](repeating: 0, count: 8)).description + "/64"
    }

    private init(unchecked bytes: [UInt8]) { self.bytes = bytes }
}

/// A network in CIDR notation (`10.0.0.0/8`, `2001:db8::/32`); a bare address is a network of one.
public struct IPNetwork: Hashable, Sendable, CustomStringConvertible {
    public let address: IPAddress
    public let prefixLength: Int

    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let address = IPAddress(parts[0].trimmingCharacters(in: .whitespaces))
        else { return nil }
        let bits = address.bytes.count * 8
        if parts.count == 2 {
            guard let length = Int(parts[1].trimmingCharacters(in: .whitespaces)), (0...bits).contains(length) else {
                return nil
            }
            prefixLength = length
        } else {
            prefixLength = bits
        }
        self.address = address
    }

    public func contains(_ candidate: IPAddress) -> Bool {
        guard candidate.bytes.count == address.bytes.count else { return false }
        var remaining = prefixLength
        for (a, b) in zip(address.bytes, candidate.bytes) where remaining > 0 {
            let mask: UInt8 = remaining >= 8 ? 0xFF : ~(0xFF >> UInt8(remaining))
            if a & mask != b & mask { return false }
            remaining -= 8
        }
        return true
    }

    public var description: String { "\(address)/\(prefixLength)" }

    /// Parses a comma- or space-separated list such as `AKINAI_TRUSTED_PROXIES`; a failure names the first bad entry.
    public static func list(_ text: String) -> Result<[IPNetwork], ListError> {
        var networks: [IPNetwork] = []
        for entry in text.split(whereSeparator: { $0 == "," || $0 == " " }) where !entry.isEmpty {
            guard let network = IPNetwork(entry) else { return .failure(ListError(entry: String(entry))) }
            networks.append(network)
        }
        return .success(networks)
    }

    public struct ListError: Error, Equatable {
        public let entry: String
    }
}

/// Who sent a request: the socket peer, or — when the peer is a trusted proxy — the address that proxy saw.
public enum ClientAddress {
    /// At most this many `X-Forwarded-For` entries are looked at.
    public static let maximumHops = 20

    /// Walks `X-Forwarded-For` from the right while the hop in hand is a trusted proxy, and returns the first
    /// untrusted address: everything left of it was written by the client and can be anything. An entry that
    /// does not parse stops the walk at the proxy that passed it on. `forwardedFor` holds the header's values in
    /// the order they appear.
    public static func resolve(peer: IPAddress?, forwardedFor: [String], trusted: [IPNetwork]) -> IPAddress? {
        guard var current = peer, !trusted.isEmpty else { return peer }
        var hops = forwardedFor.flatMap { $0.split(separator: ",") }.suffix(maximumHops)
        while trusted.contains(where: { $0.contains(current) }), let last = hops.popLast() {
            guard let next = parseHop(last.trimmingCharacters(in: .whitespaces)) else { break }
            current = next
        }
        return current
    }

    /// An `X-Forwarded-For` entry: an address, `[v6]:port`, or `v4:port`.
    static func parseHop(_ hop: String) -> IPAddress? {
        if let address = IPAddress(hop) { return address }
        if hop.hasPrefix("["), let close = hop.firstIndex(of: "]") {
            return IPAddress(hop[hop.index(after: hop.startIndex)..<close])
        }
        let parts = hop.split(separator: ":")
        if parts.count == 2, let address = IPAddress(parts[0]), address.isIPv4, UInt16(parts[1]) != nil {
            return address
        }
        return nil
    }
}
