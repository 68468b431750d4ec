// Todo: a small app that keeps its schema in step at start-up, as a server or a desktop app
// would, with its migrations compiled in (Swift) and bundled (SQL).
//
//     TodoApp DATABASE [upgrade [TARGET] | downgrade TARGET | current | pending] [--backup]
//     TodoApp DATABASE adopt fluent|grdb [NAME=REV ...]
//
// DATABASE is a URL (postgresql://…, sqlite:///…) or an SQLite file path. Progress goes to
// stderr, answers to stdout; a failure prints its message and exits 1.

import Foundation
import MigrateKit

func standardError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

func describe(_ event: RunEvent) -> String? {
    switch event {
    case .waitingForLock(let table): "waiting for another run's lock on \(table)"
    case .waitingForDatabase(let name): "waiting for another connection's lock on \(name)"
    case .waitingForStatementLock: "waiting for a lock another session holds"
    case .stepStarted(let step): step.summary
    case .stepFinished: nil
    case .replanned(let heads): "another run moved the database to \(heads.sorted().joined(separator: ", "))"
    case .verificationProblem(let problem): "verify: \(problem)"
    case .retryingAfterLockTimeout(let retry): retry.description
    case .backfillProgress(_, let progress): progress.description
    }
}

func run(_ arguments: [String]) throws {
    var arguments = arguments
    let backup = arguments.contains("--backup")
    arguments.removeAll { $0 == "--backup" }
    guard let target = arguments.first else {
        throw MigrateError(.usage, "name the database", hint: "TodoApp DATABASE [upgrade | downgrade TARGET | current | pending]")
    }
    let database: Migrator.Database = target.contains("://") ? .url(target) : .sqlite(path: target)
    guard let sqlFolder = Bundle.module.path(forResource: "SQL", ofType: nil) else {
        throw MigrateError(.configuration, "the app's bundle has no SQL folder")
    }
    // The app's migrations: the Swift ones compiled in, the SQL ones read from the bundle.
    let migrator = try Migrator(
        database: database, migrations: [Rev_7d0c1a2b3e4f.self, Rev_9f2e3c4d5a6b.self], sqlFolders: [sqlFolder],
        backup: backup ? .beforeMigrating : .none,
        onEvent: { event in describe(event).map(standardError) })
    let command = arguments.count > 1 ? arguments[1] : "upgrade"
    let rest = Array(arguments.dropFirst(2))
    switch command {
    case "upgrade":
        try migrator.upgrade(to: rest.first ?? "heads")
    case "downgrade":
        guard let to = rest.first else { throw MigrateError(.usage, "downgrade needs a target, e.g. base") }
        try migrator.downgrade(to: to)
    case "current":
        for revision in try migrator.current() { print(revision) }
    case "pending":
        for revision in try migrator.pending() { print(revision.id) }
    case "adopt":
        guard let name = rest.first, let library = Commands.AdoptedLibrary(rawValue: name) else {
            throw MigrateError(.usage, "adopt needs fluent or grdb")
        }
        var mapping: [String: String] = [:]
        for pair in rest.dropFirst() {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { throw MigrateError(.usage, "a mapping is NAME=REV, got '\(pair)'") }
            mapping[String(parts[0])] = String(parts[1])
        }
        let adoption = try migrator.adoptHistory(from: library, mapping: mapping)
        for match in adoption.matches { standardError("Adopted \(match.name) as \(match.revision)") }
    default:
        throw MigrateError(.usage, "unknown command '\(command)'", hint: "use upgrade, downgrade, current, pending or adopt")
    }
}

do {
    try run(Array(CommandLine.arguments.dropFirst()))
} catch {
    standardError("error: \(error)")
    exit(1)
}
