// swift-tools-version:6.0
import Foundation
import PackageDescription

/// The demo environment's SQL migrations, left out of the target that compiles its Swift ones.
let demoSQLMigrations = ((try? FileManager.default.contentsOfDirectory(atPath: Context.packageDirectory + "/versions")) ?? [])
    .filter { !$0.hasSuffix(".swift") }

let package = Package(
    name: "migrate",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "migrate", targets: ["migrate"]),
        .library(name: "MigrateKit", targets: ["MigrateKit"]),
        .plugin(name: "MigratePlugin", targets: ["MigratePlugin"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/swiftlang/swift-syntax", exact: "602.0.0"),
    ],
    targets: [
        // C libraries, linked through pkg-config.
        .systemLibrary(
            name: "CSQLite", pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"]), .brew(["sqlite"])]),
        .systemLibrary(
            name: "CLibPQ", pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"]), .brew(["libpq"])]),

        // SHA-256 block compression with the x86 SHA instructions, for MigrateCore's checksums.
        .target(name: "CSHA256"),
        // The pure core: revisions, graph, operations, errors. No dependencies beyond CSHA256.
        .target(name: "MigrateCore", dependencies: ["CSHA256"]),
        // Dialects, statement splitting and the connection protocol drivers implement.
        .target(name: "MigrateSQL", dependencies: ["MigrateCore"]),
        .target(name: "MigrateSQLite", dependencies: ["MigrateCore", "MigrateSQL", "CSQLite"]),
        .target(name: "MigratePostgres", dependencies: ["MigrateCore", "MigrateSQL", "CLibPQ"]),
        // Reading (without compiling) and writing Swift migration files, through swift-syntax.
        .target(
            name: "MigrateScript",
            dependencies: [
                "MigrateCore",
                .product(name: "SwiftSyntax", package: "swift-syntax"),
                .product(name: "SwiftParser", package: "swift-syntax"),
                .product(name: "SwiftParserDiagnostics", package: "swift-syntax"),
                .product(name: "SwiftDiagnostics", package: "swift-syntax"),
                .product(name: "SwiftBasicFormat", package: "swift-syntax"),
                .product(name: "SwiftSyntaxBuilder", package: "swift-syntax"),
            ]),
        // Configuration, script directory, runner and one function per command.
        .target(
            name: "MigrateKit",
            dependencies: ["MigrateCore", "MigrateSQL", "MigrateSQLite", "MigratePostgres", "MigrateScript"]),
        // The command-line front end: parses arguments, calls MigrateKit, prints.
        .executableTarget(
            name: "migrate",
            dependencies: [
                "MigrateKit",
                "MigrateCore",
                "MigrateSQL",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // `swift package migrate …` in a package that depends on this one: runs the command line,
        // built from source, in the package's folder. See docs/apps.md for its permissions.
        .plugin(
            name: "MigratePlugin",
            capability: .command(
                intent: .custom(verb: "migrate", description: "Run the migrate command line in this package's folder"),
                permissions: [
                    .writeToPackageDirectory(
                        reason: "revision, merge and init write migration files into the package; SQLite databases and "
                            + "the parse cache are kept there")
                ]),
            dependencies: ["migrate"]),

        // Shared by the test targets: provisions fresh PostgreSQL databases and temporary folders.
        .target(
            name: "TestSupport",
            dependencies: ["MigratePostgres", "MigrateSQL", "MigrateCore"],
            path: "Tests/TestSupport"),
        // Times reflection and comparison of a 300-table schema (scripts/bench --only reflect); shares
        // TestSupport's sample schemas with the tests.
        .executableTarget(
            name: "MigrateBenchmarks",
            dependencies: ["MigratePostgres", "MigrateSQL", "MigrateSQLite", "MigrateCore", "TestSupport"]),
        .testTarget(name: "MigrateCoreTests", dependencies: ["MigrateCore"]),
        .testTarget(name: "MigrateSQLTests", dependencies: ["MigrateSQL", "MigrateCore"]),
        .testTarget(
            name: "DriverTests",
            dependencies: ["MigrateSQLite", "MigratePostgres", "MigrateSQL", "MigrateCore", "TestSupport"]),
        .testTarget(name: "MigrateKitTests", dependencies: ["MigrateKit", "MigrateScript", "TestSupport"]),
        .testTarget(
            name: "MigrateScriptTests",
            dependencies: [
                "MigrateScript", "MigrateCore",
                // The models writer's layout is checked against swift-syntax's own formatting.
                .product(name: "SwiftSyntax", package: "swift-syntax"),
                .product(name: "SwiftBasicFormat", package: "swift-syntax"),
                .product(name: "SwiftSyntaxBuilder", package: "swift-syntax"),
            ]),
        // The repository's own Swift migrations, compiled against MigrateKit to prove the API they use is real.
        .target(name: "DemoVersions", dependencies: ["MigrateKit"], path: "versions", exclude: demoSQLMigrations),
        .testTarget(name: "VersionsCompileTests", dependencies: ["DemoVersions", "MigrateKit", "MigrateScript"]),
        // The demo's declared models (migrate.json `models`), compiled to prove the model API is
        // real, and checked against what the command line reads from the same file.
        .target(name: "DemoModels", dependencies: ["MigrateKit"], path: "Models"),
        .testTarget(name: "ModelsCompileTests", dependencies: ["DemoModels", "MigrateKit", "MigrateScript"]),
        // An app that runs its own migrations at start-up through MigrateKit's Migrator: Swift
        // migrations compiled in (one of them a data migration), SQL ones bundled as resources.
        // Examples/TodoApp/migrate.json lets the command line work on the same migrations.
        .executableTarget(
            name: "TodoApp", dependencies: ["MigrateKit"], path: "Examples/TodoApp",
            exclude: ["migrate.json"], resources: [.copy("SQL")]),
        .testTarget(
            name: "CommandTests",
            dependencies: ["MigrateKit", "MigrateSQL", "MigrateSQLite", "MigratePostgres", "TestSupport", "migrate", "TodoApp"],
            // Golden offline scripts, read through #filePath rather than as bundle resources.
            exclude: ["Golden"]),
    ],
    swiftLanguageModes: [.v6]
)
