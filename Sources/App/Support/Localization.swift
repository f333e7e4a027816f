import Vapor

/// The languages of the web UI. Japanese is the default; English is one click away.
public enum Language: String, Sendable, CaseIterable, Encodable {
    case ja
    case en
}

/// Looks up UI text by key in the language of a request.
public enum Localization {
    static let cookieName = "akinai_lang"

    /// The language chosen with the switch (a cookie), Japanese otherwise.
    static func language(of request: Request) -> Language {
        request.cookies[cookieName].flatMap { Language(rawValue: $0.string) } ?? .ja
    }

    /// The text for `key`; the key itself when no table has it, so a missing string is visible, not blank.
    static func text(_ key: String, _ lang: Language) -> String {
        table(lang)[key] ?? Strings.ja[key] ?? key
    }

    /// The table with `.` in keys replaced by `_`, since Leaf reads `t.nav_orders` as member access.
    static func templateTable(_ lang: Language) -> [String: String] {
        switch lang {
        case .ja: templateJA
        case .en: templateEN
        }
    }

    private static let templateJA = Strings.ja.underscoredKeys
    private static let templateEN = Strings.en.underscoredKeys

    static func table(_ lang: Language) -> [String: String] {
        switch lang {
        case .ja: Strings.ja
        case .en: Strings.en
        }
    }
}

extension Dictionary where Key == String, Value == String {
    fileprivate var underscoredKeys: [String: String] {
        Dictionary(uniqueKeysWithValues: map { ($0.key.replacingOccurrences(of: ".", with: "_"), $0.value) })
    }
}
