import Domain
import Foundation
import Synchronization

/// Loads Japan Post's postal data once per process (`Resources/Postal/postal-codes.txt`, about 120,000 codes).
enum PostalData {
    private static let loaded = Mutex<[String: PostalDirectory]>([:])

    /// The directory of `resourcesDirectory`; a missing or unreadable file is an error, since address checks would
    /// silently stop.
    static func load(resourcesDirectory: String) throws -> PostalDirectory {
        let path = resourcesDirectory + "Postal/postal-codes.txt"
        if let cached = loaded.withLock({ $0[path] }) { return cached }
        let directory = try PostalDirectory(text: try String(contentsOfFile: path, encoding: .utf8))
        loaded.withLock { $0[path] = directory }
        return directory
    }
}
