import Foundation

/// The list of common and breached passwords shipped in `Resources/Security/common-passwords.txt`
/// (made by `scripts/make-common-passwords.py`).
struct CommonPasswords: Sendable {
    private let entries: Set<String>

    init(entries: Set<String>) {
        self.entries = entries
    }

    /// Loads the list; a missing file is an error, since the policy would silently weaken without it.
    static func load(resourcesDirectory: String) throws -> CommonPasswords {
        let path = resourcesDirectory + "Security/common-passwords.txt"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let lines = text.split(whereSeparator: \.isNewline).filter { !$0.hasPrefix("# ") }.map(String.init)
        return CommonPasswords(entries: Set(lines))
    }

    var count: Int { entries.count }

    /// Whether the normalised, lower-cased password is on the list.
    func contains(_ lowered: String) -> Bool { entries.contains(lowered) }
}
