/// Times schema reflection and comparison on a large realistic schema, the work `migrate check`
/// does, so its cost can be measured before the command exists and watched after.
///
/// ```
/// scripts/with-postgres scripts/bench --only reflect    # a throwaway PostgreSQL
/// MigrateBenchmarks postgresql://postgres@/postgres?host=/tmp/pg --tables 300 --runs 9
/// ```
///
/// It creates a new database `migrate_bench_<pid>` on the server (and a SQLite file in a new
/// temporary folder), builds `--tables` tables of the realistic shape (`SampleSchemas.realistic`)
/// through each dialect's own DDL, then reflects and compares `--runs` times after one warm-up
/// run, and prints the median and the range of each, the catalog query count, and the number of
/// differences (which must be 0). The PostgreSQL database is dropped at the end.
import Foundation
import MigrateCore
import MigratePostgres
import MigrateSQL
import MigrateSQLite
import TestSupport

struct Arguments {
    var url: String
    var tables = 300
    var runs = 9

    init(_ arguments: [String]) throws {
        var rest = arguments.dropFirst()
        var url: String?
        while let argument = rest.popFirst() {
            switch argument {
            case "--tables":
                guard let value = rest.popFirst().flatMap(Int.init), value > 0 else { throw Self.usage }
                tables = value
            case "--runs":
                guard let value = rest.popFirst().flatMap(Int.init), value >= 5 else { throw Self.usage }
                runs = value
            default:
                guard url == nil, !argument.hasPrefix("-") else { throw Self.usage }
                url = argument
            }
        }
        guard let url else { throw Self.usage }
        self.url = url
    }

    static var usage: MigrateError {
        MigrateError(
            .usage, "usage: MigrateBenchmarks POSTGRES_URL [--tables N] [--runs N (at least 5)]",
            hint: "`scripts/with-postgres scripts/bench --only reflect` starts a throwaway server and passes its URL.")
    }
}

/// Milliseconds of a duration, for printing.
func milliseconds(_ duration: Duration) -> Double {
    let (seconds, attoseconds) = duration.components
    return Double(seconds) * 1000 + Double(attoseconds) / 1e15
}

func summary(_ name: String, _ samples: [Duration]) -> String {
    let sorted = samples.map(milliseconds).sorted()
    let median = sorted.count % 2 == 1
        ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    return name + ": median " + String(format: "%.2f", median) + " ms (min " + String(format: "%.2f", sorted[0])
        + ", max " + String(format: "%.2f", sorted[sorted.count - 1]) + ", \(sorted.count) runs)"
}

func run() throws -> Int32 {
    let arguments = try Arguments(CommandLine.arguments)
    let admin = try PostgresConnection(url: arguments.url)
    let database = "migrate_bench_\(ProcessInfo.processInfo.processIdentifier)"
    try admin.execute("DROP DATABASE IF EXISTS \(admin.dialect.quoteIdentifier(database))")
    try admin.execute("CREATE DATABASE \(admin.dialect.quoteIdentifier(database))")
    defer { try? admin.execute("DROP DATABASE IF EXISTS \(admin.dialect.quoteIdentifier(database))") }

    let declared = SampleSchemas.realistic(tables: arguments.tables)
    // In a scope of its own, so the connection is closed before the database is dropped.
    let postgresDifferences = try {
        let postgres = try PostgresConnection(url: TestPostgres.url(arguments.url, database: database))
        return try measure(
            "PostgreSQL", postgres, declared: declared, runs: arguments.runs,
            reflect: { try postgres.reflectSchema(excluding: [TableName("migrate_version")]) })
    }()
    let sqlite = try SQLiteConnection(path: try freshSQLitePath())
    let sqliteDifferences = try measure(
        "SQLite", sqlite, declared: declared, runs: arguments.runs,
        reflect: { try sqlite.reflectSchema(excluding: [TableName("migrate_version")]) })
    return postgresDifferences == 0 && sqliteDifferences == 0 ? 0 : 1
}

/// Creates `declared` through the dialect's DDL, then times reflection and comparison `runs`
/// times after a warm-up (which fills the engine's caches); prints the figures and returns the
/// number of differences found.
func measure(
    _ engine: String, _ connection: any DatabaseConnection, declared: Schema, runs: Int,
    reflect: () throws -> SchemaReflection
) throws -> Int {
    let dialect = connection.dialect
    let creation = SchemaDiff.compare(declared: declared, reflected: Schema(), dialect: dialect)
    try connection.execute(
        try creation.flatMap { try dialect.statements(for: $0, inspector: nil) }.joined(separator: ";\n"))

    let clock = ContinuousClock()
    var reflectionTimes: [Duration] = []
    var comparisonTimes: [Duration] = []
    var totalTimes: [Duration] = []
    var queryCount = 0
    var tableCount = 0
    var differences = 0
    for run in 0...runs {
        let start = clock.now
        let reflection = try reflect()
        let reflected = clock.now
        let options = SchemaComparisonOptions(compareServerDefaults: true, defaultSchema: reflection.defaultSchema)
        let operations = SchemaDiff.compare(
            declared: declared, reflected: reflection.schema, dialect: dialect, options: options)
        let compared = clock.now
        queryCount = reflection.queryCount
        tableCount = reflection.schema.tables.count
        differences = operations.count
        guard run > 0 else { continue }
        reflectionTimes.append(reflected - start)
        comparisonTimes.append(compared - reflected)
        totalTimes.append(compared - start)
    }
    print("\(engine): \(tableCount) tables (10 columns, 2 indexes, 1 unique constraint, 1 foreign key each)")
    print("  catalog queries per reflection: \(queryCount)")
    print("  " + summary("reflection", reflectionTimes))
    print("  " + summary("comparison", comparisonTimes))
    print("  " + summary("reflection + comparison", totalTimes))
    print("  differences: \(differences)")
    return differences
}

do {
    exit(try run())
} catch {
    FileHandle.standardError.write(Data("MigrateBenchmarks: \(error)\n".utf8))
    exit(1)
}
