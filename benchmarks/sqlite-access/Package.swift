// swift-tools-version:6.0
// The SQLite access paths Akinai chose between, measured on one reservation-shaped transaction and a point read.
// Run from this directory: swift run -c release (about 3 minutes to build). See docs/benchmarks.md.
import PackageDescription

let package = Package(
    name: "sqlite-access",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.2"),
        .package(url: "https://github.com/vapor/sqlite-kit.git", from: "4.5.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", exact: "7.10.0"),
    ],
    targets: [
        // Akinai's declarations of the SQLite that SQLiteNIO compiles in (a link to Sources/CSQLiteDirect).
        .target(name: "CSQLiteDirect"),
        .executableTarget(
            name: "sqlite-access",
            dependencies: [
                "CSQLiteDirect",
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        )
    ]
)
