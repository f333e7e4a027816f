import FluentKit

/// The ordered list of schema migrations. Append only: a shipped migration is never edited or reordered.
enum MigrationList {
    static let all: [any Migration] = [
        CreateTenants(),
        CreateUsers(),
        CreateSessions(),
        CreateAuditEvents(),
        CreateTenantKeys(),
        CreateAPITokens(),
        CreateJobs(),
        CreateTenantSettings(),
        AddSignInControlsToUsers(),
        AddStageToSessions(),
        CreateUserTokens(),
        CreateRecoveryCodes(),
        CreateOutbox(),
        CreateRateLimits(),
        AddKindToTenants(),
        CreateCatalog(),
        CreateStock(),
        AddShopSettings(),
        AddPendingTOTPToUsers(),
        AddAuditHeadToTenants(),
        CreateCatalogImports(),
        IndexSetComponentsByComponent(),
        CreateOrders(),
        CreateOrderRuleSets(),
        AddAddressFlagsToOrders(),
        AddShipRefToOrders(),
    ]
}
