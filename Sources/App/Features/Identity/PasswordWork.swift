import Domain
import NIOPosix
import Synchronization
import Vapor

/// Runs password hashing (scrypt: about a second and 128 MiB each at the default cost) on threads of its own,
/// one per core, with a short queue behind them. Past the queue a request is answered 503 with Retry-After at
/// once: a flood of sign-ins, resets or password changes then costs a bounded amount of memory and CPU and never
/// takes the threads the database's statements run on.
final class PasswordWork: Sendable {
    private let pool: NIOThreadPool
    private let waiting = Mutex(0)
    /// How many hashes may run or wait at once.
    let capacity: Int

    init(threads: Int = System.coreCount, capacity: Int = 4 * System.coreCount) {
        pool = NIOThreadPool(numberOfThreads: max(1, threads))
        pool.start()
        self.capacity = max(1, capacity)
    }

    /// Hashes a new password.
    func hash(_ password: String, with hasher: ScryptHasher) async throws -> String {
        try await run { try hasher.hash(password) }
    }

    /// Whether `password` matches `stored`; a stored value that cannot be read matches nothing.
    func verify(_ password: String, against stored: String, with hasher: ScryptHasher) async throws -> Bool {
        try await run { (try? hasher.verify(password, against: stored)) ?? false }
    }

    private func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        let admitted = waiting.withLock { count in
            guard count < capacity else { return false }
            count += 1
            return true
        }
        guard admitted else { throw Busy(retryAfter: 2) }
        defer { waiting.withLock { $0 -= 1 } }
        return try await pool.runIfActive(work)
    }

    func shutdown() async throws {
        try await pool.shutdownGracefully()
    }
}

/// The server has more of a kind of work than it takes on at once: 503 with Retry-After.
struct Busy: Error {
    let retryAfter: Int
}

/// Stops the password threads with the application.
struct PasswordWorkLifecycle: LifecycleHandler {
    let work: PasswordWork

    func shutdownAsync(_ application: Application) async {
        try? await work.shutdown()
    }
}
