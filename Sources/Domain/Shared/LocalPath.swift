import Foundation

/// A path on this site to send a browser to after sign-in or a language switch — never another site.
///
/// Accepted: a single leading `/`, then printable ASCII other than `\`, with no `//` anywhere, no control or
/// space characters (browsers drop tabs and newlines, so `/\t/evil.example` would become `//evil.example`), and
/// no percent-encoded `/`, `\` or control character that a later decoding step could turn into one of those.
public enum LocalPath {
    public static let maximumLength = 500

    /// `candidate` if it is a safe local path, else nil.
    public static func validated(_ candidate: String?) -> String? {
        guard let candidate, candidate.utf8.count <= maximumLength, candidate.first == "/" else { return nil }
        for byte in candidate.utf8 where byte < 0x21 || byte > 0x7E || byte == UInt8(ascii: "\\") {
            return nil
        }
        if candidate.contains("//") { return nil }
        let lowered = candidate.lowercased()
        for encoded in ["%2f", "%5c", "%0", "%1", "%7f", "%25", "%e2%80", "%c2"] where lowered.contains(encoded) {
            return nil
        }
        return candidate
    }

    /// `candidate` if safe, else `/`.
    public static func orRoot(_ candidate: String?) -> String { validated(candidate) ?? "/" }
}
