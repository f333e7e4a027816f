import Foundation
import Testing
import VaporTesting

@testable import App

/// The string tables: both languages have the same keys, and every key a page or the code asks for exists.
@Suite struct LocalizationTests {
    static let resources = try! AppConfig.locateResources(nil)
    static let root = URL(fileURLWithPath: resources).deletingLastPathComponent().path

    static func table(_ lang: Language) throws -> [String: String] {
        let data = try #require(FileManager.default.contents(atPath: resources + "Localization/\(lang.rawValue).json"))
        return try JSONDecoder().decode([String: String].self, from: data)
    }

    /// Every file under `directory` (relative to the package root) whose name ends in `suffix`, with its text.
    static func files(under directory: String, endingIn suffix: String) throws -> [(path: String, text: String)] {
        let base = root + "/" + directory
        let names = try #require(FileManager.default.subpathsOfDirectory(atPath: base) as [String]?)
        return try names.filter { $0.hasSuffix(suffix) }.sorted().map {
            ($0, try String(contentsOfFile: base + "/" + $0, encoding: .utf8))
        }
    }

    static func matches(_ pattern: String, in text: String) -> [String] {
        let regex = try! NSRegularExpression(pattern: pattern)
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
            Range($0.range(at: 1), in: text).map { String(text[$0]) }
        }
    }

    @Test func japaneseAndEnglishHaveTheSameKeysAndNoEmptyText() throws {
        let ja = try Self.table(.ja)
        let en = try Self.table(.en)
        #expect(ja.count > 300)
        #expect(Set(ja.keys).subtracting(en.keys).sorted() == [], "keys missing in en.json")
        #expect(Set(en.keys).subtracting(ja.keys).sorted() == [], "keys missing in ja.json")
        #expect(ja.filter { $0.value.isEmpty }.keys.sorted() == [])
        #expect(en.filter { $0.value.isEmpty }.keys.sorted() == [])
        // Akinai refuses to start on tables that differ, rather than showing one language's text in the other.
        #expect(throws: LocalizationError.self) {
            try Localizer(tables: [.ja: ja, .en: en.filter { $0.key != "nav.orders" }])
        }
        #expect(throws: LocalizationError.self) { try Localizer(tables: [.ja: ja]) }
    }

    @Test func everyKeyATemplateUsesExists() throws {
        let keys = Set(try Self.table(.ja).keys)
        var used: [(String, String)] = []
        for (path, text) in try Self.files(under: "Resources/Views", endingIn: ".leaf") {
            #expect(!text.contains("#(t."), "\(path) reads the old string table")
            // Leaf reads `#t("key"):` as a tag with a body, so a colon never follows the tag directly.
            #expect(Self.matches(#"(#t\("[^"]*"\):)"#, in: text) == [], "\(path): wrap the text before a colon")
            used += Self.matches(#"#t\("([^"]*)"\)"#, in: text).map { (path, $0) }
        }
        #expect(used.filter { !keys.contains($0.1) }.map { "\($0.0): \($0.1)" } == [])
        #expect(used.count > 200)
    }

    /// Keys in the Swift code: page titles, notices and errors, texts looked up directly, navigation entries, and
    /// the `error.<reason>` / `error.<code>` keys that field errors, CSV row errors and API errors are shown with.
    @Test func everyKeyTheCodeUsesExists() throws {
        let keys = Set(try Self.table(.ja).keys)
        let key = #"([a-z_]+\.[a-z0-9_.]+)"#
        let patterns: [(String, (String) -> String)] = [
            (#"(?:titleKey|notice|error|messageKey):\s*""# + key + #"""#, { $0 }),
            (#"text\(""# + key + #"""#, { $0 }),
            (#"\("/[a-z/]*",\s*""# + key + #"""#, { $0 }),
            (#"(?:field|column):[^()]*?reason:\s*"([a-z0-9_]+)""#, { "error." + $0 }),
            (#"AppError\(\s*\.[A-Za-z]+,\s*code:\s*"([a-z0-9_]+)"\s*\)"#, { "error." + $0 }),
            (#"\.conflict\("([a-z0-9_]+)"\)"#, { "error." + $0 }),
            (#"\bfail\("[a-z_]*",\s*"([a-z0-9_]+)"\)"#, { "error." + $0 }),
        ]
        var used = 0
        var missing: [String] = []
        for (path, text) in try Self.files(under: "Sources", endingIn: ".swift") {
            for (pattern, toKey) in patterns {
                for match in Self.matches(pattern, in: text) {
                    used += 1
                    if !keys.contains(toKey(match)) { missing.append("Sources/\(path): \(toKey(match))") }
                }
            }
        }
        #expect(missing == [], "keys the code uses that are in neither table")
        #expect(used > 100)
        for code in ["bad_request", "unauthorized", "forbidden", "not_found", "conflict", "internal_error"] {
            #expect(keys.contains("error." + code))
        }
    }

    @Test func pagesAreRenderedInTheChosenLanguage() async throws {
        try await withApp { app, _ in
            try await app.testing().test(.GET, "/login") { res in
                #expect(res.body.string.contains("ログイン"))
            }
            try await app.testing().test(
                .GET,
                "/login",
                beforeRequest: { req in req.headers.cookie = HTTPCookies(dictionaryLiteral: ("akinai_lang", "en")) }
            ) { res in
                #expect(res.body.string.contains("Sign in"))
                #expect(!res.body.string.contains("ログイン"))
            }
        }
    }
}
