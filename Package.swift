// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "migrate",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "migrate", targets: ["migrate"]),
        .library(name: "MigrateKit", targets: ["MigrateKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
    ],
    targets: [
        // C libraries, linked through pkg-config.
        .systemLibrary(
            name: "CSQLite", pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"]), .brew(["sqlite"])]),
        .systemLibrary(
            name: "CLibPQ", pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"]), .brew(["libpq"])]),

        // The pure core: revisions, graph, operations, errors. No dependencies.
        .target(name: "MigrateCore"),
        // Dialects, statement splitting and the connection protocol drivers implement.
        .target(name: "MigrateSQL", dependencies: ["MigrateCore"]),
        .target(name: "MigrateSQLite", dependencies: ["MigrateCore", "MigrateSQL", "CSQLite"]),
        .target(name: "MigratePostgres", dependencies: ["MigrateCore", "MigrateSQL", "CLibPQ"]),
        // Configuration, script directory, runner and one function per command.
        .target(
            name: "MigrateKit",
            dependencies: ["MigrateCore", "MigrateSQL", "MigrateSQLite", "MigratePostgres"]),
        // The command-line front end: parses arguments, calls MigrateKit, prints.
        .executableTarget(
            name: "migrate",
            dependencies: [
                "MigrateKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // Shared by the test targets: provisions fresh PostgreSQL databases and temporary folders.
        .target(
            name: "TestSupport",
            dependencies: ["MigratePostgres", "MigrateSQL", "MigrateCore"],
            path: "Tests/TestSupport"),
        .testTarget(name: "MigrateCoreTests", dependencies: ["MigrateCore"]),
        .testTarget(name: "MigrateSQLTests", dependencies: ["MigrateSQL"]),
        .testTarget(
            name: "DriverTests",
            dependencies: ["MigrateSQLite", "MigratePostgres", "MigrateSQL", "MigrateCore", "TestSupport"]),
        .testTarget(name: "MigrateKitTests", dependencies: ["MigrateKit", "TestSupport"]),
        .testTarget(
            name: "CommandTests",
            dependencies: ["MigrateKit", "MigrateSQL", "MigrateSQLite", "MigratePostgres", "TestSupport", "migrate"]),
    ],
    swiftLanguageModes: [.v6]
)
