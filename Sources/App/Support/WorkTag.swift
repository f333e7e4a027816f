/// An opaque value that marks a piece of work — tests use it to count the statements a request makes — and that
/// follows the work into its transactions: the database driver runs a transaction's body in a task of its own,
/// which would not see the caller's task-local values, so `Transactor` carries this one across.
enum WorkTag {
    @TaskLocal static var current: (any Sendable)?
}
