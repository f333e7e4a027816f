import Foundation
import Leaf
import Vapor

/// The languages of the web UI. Japanese is the default; English is one click away.
enum Language: String, Sendable, CaseIterable, Encodable {
    case ja
    case en
}

/// The UI text of Akinai by key, one table per language, read from `Resources/Localization/<lang>.json`.
///
/// Both tables must have the same keys, or Akinai does not start: a string missing in one language would
/// otherwise show the other language's text, or nothing, without anyone noticing.
struct Localizer: Sendable {
    static let cookieName = "akinai_lang"

    private let tables: [Language: [String: String]]

    init(tables: [Language: [String: String]]) throws(LocalizationError) {
        guard let reference = tables[.ja].map({ Set($0.keys) }) else { throw LocalizationError.missing(.ja) }
        for lang in Language.allCases {
            guard let table = tables[lang] else { throw LocalizationError.missing(lang) }
            let keys = Set(table.keys)
            if keys != reference {
                throw LocalizationError.keysDiffer(
                    lang,
                    missing: reference.subtracting(keys).sorted(),
                    extra: keys.subtracting(reference).sorted()
                )
            }
        }
        self.tables = tables
    }

    /// Reads `Localization/<lang>.json` under the resources directory, for every language.
    static func load(resourcesDirectory: String) throws -> Localizer {
        var tables: [Language: [String: String]] = [:]
        for lang in Language.allCases {
            let path = resourcesDirectory + "Localization/\(lang.rawValue).json"
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            do {
                tables[lang] = try JSONDecoder().decode([String: String].self, from: data)
            } catch {
                throw LocalizationError.unreadable(path, String(describing: error))
            }
        }
        return try Localizer(tables: tables)
    }

    /// The text for `key`; the key itself when it is unknown, so a missing string is visible, never blank.
    func text(_ key: String, _ lang: Language) -> String {
        tables[lang]?[key] ?? key
    }

    /// The language chosen with the switch (a cookie), Japanese otherwise.
    static func language(of request: Request) -> Language {
        request.cookies[cookieName].flatMap { Language(rawValue: $0.string) } ?? .ja
    }
}

/// Why the string tables could not be used.
enum LocalizationError: Error, CustomStringConvertible {
    case missing(Language)
    case unreadable(String, String)
    case keysDiffer(Language, missing: [String], extra: [String])
    case tagArgument

    var description: String {
        switch self {
        case .missing(let lang): "Localization/\(lang.rawValue).json is missing from the resources directory."
        case .unreadable(let path, let why): "\(path) is not a JSON object of strings: \(why)"
        case .keysDiffer(let lang, let missing, let extra):
            "Localization/\(lang.rawValue).json does not have the keys of ja.json: missing \(missing), extra \(extra)."
        case .tagArgument: "#t takes one string: a key of Resources/Localization/ja.json."
        }
    }
}

extension Request {
    /// The UI text for `key` in this request's language.
    func text(_ key: String) -> String {
        akinai.strings.text(key, Localizer.language(of: self))
    }
}

/// `#t("nav.orders")` in a template: the text of that key in the language of the request being rendered.
struct TranslateTag: LeafTag {
    let strings: Localizer

    func render(_ ctx: LeafContext) throws -> LeafData {
        try ctx.requireParameterCount(1)
        guard let key = ctx.parameters[0].string else {
            throw LocalizationError.tagArgument
        }
        let lang = ctx.request.map(Localizer.language(of:)) ?? .ja
        return .string(strings.text(key, lang))
    }
}
