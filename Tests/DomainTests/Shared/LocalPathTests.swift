import Testing

@testable import Domain

@Suite struct LocalPathTests {
    /// Known open-redirect and header-splitting bypasses: each must fall back to `/`.
    @Test(arguments: [
        "//evil.example", "/\t/evil.example", "/\\evil.example", "\\\\evil.example", "https://evil.example",
        "/\r\nSet-Cookie: a=b", "/%0d%0aSet-Cookie:%20a=b", "/%2f%2fevil.example", "/%5cevil.example",
        "/%09/evil.example", "/ /evil.example", "evil.example", "", "/\u{0}", "/é", "/\u{2028}x", "/%E2%80%A8",
        "/a//b", "/%252f%252fevil", String(repeating: "/a", count: 300),
    ])
    func hostileTargetsFallBackToTheRoot(_ target: String) {
        #expect(LocalPath.validated(target) == nil)
        #expect(LocalPath.orRoot(target) == "/")
    }

    @Test(arguments: ["/", "/inventory", "/inventory?page=2&q=%E5%95%86", "/settings/audit?from=2026-01-01"])
    func localPathsAreKept(_ target: String) {
        #expect(LocalPath.validated(target) == target)
    }
}
