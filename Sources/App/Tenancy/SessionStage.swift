/// What a session may do. Only an `active` session reaches tenant routes; the others are held at one step
/// of signing in.
enum SessionStage: String, Sendable {
    case active
    /// The password was right; a second factor is due.
    case secondFactor = "second_factor"
    /// The tenant requires a second factor and the user has none yet.
    case enrolSecondFactor = "enrol_second_factor"
    /// The password expired or must be changed.
    case changePassword = "change_password"

    /// The page that completes this step.
    var path: String {
        switch self {
        case .active: "/"
        case .secondFactor: "/login/second-factor"
        case .enrolSecondFactor: "/account/two-factor"
        case .changePassword: "/account/password"
        }
    }
}
