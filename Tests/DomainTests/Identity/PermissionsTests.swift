import Testing

@testable import Domain

@Suite struct PermissionsTests {
    @Test(arguments: Module.allCases)
    func adminsMayDoEverything(_ module: Module) {
        #expect(Permissions(role: .admin).allows(module, .write))
    }

    @Test(arguments: Module.allCases)
    func viewersReadBusinessModulesAndNeverWrite(_ module: Module) {
        let viewer = Permissions(role: .viewer, grants: [module: .write])
        #expect(!viewer.allows(module, .write))
        #expect(viewer.allows(module, .read) == (module != .settings))
    }

    @Test(arguments: Module.allCases)
    func staffAreDeniedByDefault(_ module: Module) {
        #expect(!Permissions(role: .staff).allows(module, .read))
    }

    @Test func staffGetExactlyTheirGrants() {
        let staff = Permissions(role: .staff, grants: [.orders: .write, .inventory: .read, .settings: .write])
        #expect(staff.allows(.orders, .write))
        #expect(staff.allows(.orders, .read))
        #expect(staff.allows(.inventory, .read))
        #expect(!staff.allows(.inventory, .write))
        #expect(!staff.allows(.catalog, .read))
        #expect(!staff.allows(.settings, .read), "settings stay with admins")
    }
}
