import Testing

@testable import Domain

@Suite struct ClientAddressTests {
    let proxies = [IPNetwork("10.0.0.0/8")!, IPNetwork("::1")!]

    @Test func addressesParseAndPrintCanonically() throws {
        #expect(IPAddress("192.0.2.1")?.description == "192.0.2.1")
        #expect(IPAddress("2001:DB8:0:0::1")?.description == "2001:db8::1")
        #expect(IPAddress("::ffff:192.0.2.1")?.description == "192.0.2.1")
        #expect(IPAddress("fe80::1%eth0")?.description == "fe80::1")
        for bad in ["", "999.1.1.1", "1.2.3", "example.com", "1.2.3.4 ", "::g", String(repeating: "1", count: 100)] {
            #expect(IPAddress(bad) == nil, "\(bad)")
        }
    }

    @Test func networksContainTheirAddressesOnly() throws {
        let ten = try #require(IPNetwork("10.0.0.0/8"))
        #expect(ten.contains(IPAddress("10.255.1.2")!))
        #expect(!ten.contains(IPAddress("11.0.0.1")!))
        #expect(!ten.contains(IPAddress("::a00:1")!))
        let odd = try #require(IPNetwork("192.0.2.128/25"))
        #expect(odd.contains(IPAddress("192.0.2.200")!))
        #expect(!odd.contains(IPAddress("192.0.2.127")!))
        let six = try #require(IPNetwork("2001:db8::/32"))
        #expect(six.contains(IPAddress("2001:db8:ffff::1")!))
        #expect(!six.contains(IPAddress("2001:db9::1")!))
        #expect(IPNetwork("0.0.0.0/0")!.contains(IPAddress("203.0.113.5")!))
        for bad in ["10.0.0.0/33", "10.0.0.0/-1", "::/129", "10.0.0.0/8/8", "10.0.0.0/", "/8", "x/8"] {
            #expect(IPNetwork(bad) == nil, "\(bad)")
        }
        #expect(try IPNetwork.list(" 10.0.0.0/8, ::1 ").get() == [IPNetwork("10.0.0.0/8")!, IPNetwork("::1")!])
        #expect(throws: IPNetwork.ListError(entry: "10.0.0.300")) { try IPNetwork.list("::1,10.0.0.300").get() }
    }

    @Test func forwardedForIsBelievedOnlyFromTrustedProxiesRightToLeft() {
        let peer = IPAddress("10.0.0.5")
        // The client wrote "1.1.1.1" itself; the trusted proxy appended the address it saw.
        #expect(
            ClientAddress.resolve(peer: peer, forwardedFor: ["1.1.1.1, 203.0.113.9"], trusted: proxies)
                == IPAddress("203.0.113.9")
        )
        // Two trusted proxies in a row, header split over two lines.
        #expect(
            ClientAddress.resolve(peer: peer, forwardedFor: ["198.51.100.7", "10.1.1.1"], trusted: proxies)
                == IPAddress("198.51.100.7")
        )
        // An untrusted peer's header is ignored.
        #expect(
            ClientAddress.resolve(peer: IPAddress("203.0.113.9"), forwardedFor: ["10.0.0.1"], trusted: proxies)
                == IPAddress("203.0.113.9")
        )
        // Nothing trusted: the peer, whatever the header says.
        #expect(
            ClientAddress.resolve(peer: peer, forwardedFor: ["203.0.113.9"], trusted: []) == IPAddress("10.0.0.5")
        )
        // Garbage stops the walk at the proxy that passed it on; ports and brackets are understood.
        #expect(
            ClientAddress.resolve(peer: peer, forwardedFor: ["1.1.1.1, unknown"], trusted: proxies)
                == IPAddress("10.0.0.5")
        )
        #expect(
            ClientAddress.resolve(peer: peer, forwardedFor: ["[2001:db8::7]:4431"], trusted: proxies)
                == IPAddress("2001:db8::7")
        )
        #expect(
            ClientAddress.resolve(peer: peer, forwardedFor: ["192.0.2.9:80"], trusted: proxies)
                == IPAddress("192.0.2.9")
        )
        // Only trusted hops all the way: the leftmost of them.
        #expect(
            ClientAddress.resolve(peer: peer, forwardedFor: ["10.9.9.9"], trusted: proxies) == IPAddress("10.9.9.9")
        )
        // A very long header is cut: no more than `maximumHops` entries are looked at.
        let long = Array(repeating: "10.0.0.1", count: 10_000).joined(separator: ",")
        #expect(ClientAddress.resolve(peer: peer, forwardedFor: [long], trusted: proxies) == IPAddress("10.0.0.1"))
    }

    @Test func ipv6ClientsAreCountedPerSlash64() {
        #expect(IPAddress("2001:db8:1:2::1")!.rateLimitKey == "2001:db8:1:2::/64")
        #expect(IPAddress("2001:db8:1:2:ffff:ffff:ffff:ffff")!.rateLimitKey == "2001:db8:1:2::/64")
        #expect(IPAddress("2001:db8:1:3::1")!.rateLimitKey == "2001:db8:1:3::/64")
        #expect(IPAddress("192.0.2.1")!.rateLimitKey == "192.0.2.1")
    }
}
