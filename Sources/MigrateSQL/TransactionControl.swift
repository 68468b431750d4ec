import MigrateCore

/// Recognizes the statements that begin, end or prepare a transaction, so a migration that runs
/// inside migrate's transaction cannot end that transaction part-way.
///
/// A `COMMIT` in a transactional migration commits what ran before it; if a later statement
/// fails, only the rest is rolled back, while the run reports the migration as rolled back.
/// Flagged: `BEGIN`, `START TRANSACTION`, `COMMIT`, `END`, `ROLLBACK` (not `ROLLBACK TO`),
/// `ABORT`, `PREPARE TRANSACTION`, `COMMIT PREPARED` and `ROLLBACK PREPARED`. `SAVEPOINT`,
/// `RELEASE` and `ROLLBACK TO` are allowed: inside a transaction both engines nest savepoints in
/// it, and releasing or rolling back to one never ends the transaction around it.
///
/// Only a statement's leading keywords count, so trigger bodies (`CREATE TRIGGER … BEGIN … END`),
/// `BEGIN ATOMIC … END` function bodies and `DO $$ BEGIN … END $$` blocks are not flagged:
/// ``StatementSplitter`` keeps each of them inside one statement that starts with another word.
///
/// ```swift
/// TransactionControl.keywords(of: "COMMIT")                 // "COMMIT"
/// TransactionControl.keywords(of: "ROLLBACK TO SAVEPOINT a") // nil
/// TransactionControl.keywords(of: "CREATE TRIGGER t AFTER INSERT ON a BEGIN SELECT 1; END") // nil
/// ```
package enum TransactionControl {
    /// The leading words that make `statement` (one statement, as ``StatementSplitter`` cuts
    /// it: starting at its first token) transaction control, e.g. `START TRANSACTION`; nil for
    /// any other statement.
    package static func keywords(of statement: String) -> String? {
        guard let first = leadingWord(statement), candidates.contains(first) else { return nil }
        // Only these few statements are tokenized, to read the words after the first.
        let words = SQLTokenizer.tokenize(statement).prefix(4).map { $0.kind == .word ? $0.text.uppercased() : "" }
        let second = words.count > 1 ? words[1] : ""
        switch first {
        case "BEGIN", "END", "ABORT":
            return first
        case "START":
            return second == "TRANSACTION" ? "START TRANSACTION" : nil
        case "PREPARE":
            return second == "TRANSACTION" ? "PREPARE TRANSACTION" : nil
        case "COMMIT":
            return second == "PREPARED" ? "COMMIT PREPARED" : "COMMIT"
        case "ROLLBACK":
            // ROLLBACK [WORK | TRANSACTION] TO [SAVEPOINT] name stays inside the transaction.
            let next = second == "WORK" || second == "TRANSACTION" ? (words.count > 2 ? words[2] : "") : second
            if next == "TO" { return nil }
            return second == "PREPARED" ? "ROLLBACK PREPARED" : "ROLLBACK"
        default:
            return nil
        }
    }

    /// The transaction-control statements of a script (several statements, split as SQL
    /// migration files are), with the keywords that make each one so.
    package static func statements(in sql: String) -> [(statement: SQLStatement, keywords: String)] {
        StatementSplitter.split(sql, dialect: .postgresql).compactMap { statement in
            keywords(of: statement.text).map { (statement, $0) }
        }
    }

    private static let candidates: Set<String> = ["BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT", "PREPARE"]

    /// The statement's first word in upper case when it is a short ASCII word, else nil: a cheap
    /// test that lets every other statement pass without being tokenized.
    private static func leadingWord(_ statement: String) -> String? {
        var word: [UInt8] = []
        for byte in statement.utf8 {
            if byte.isASCIILetter {
                guard word.count < 8 else { return nil }
                word.append(byte & ~0x20)
            } else if byte.isASCIIDigit || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "$") || byte >= 0x80 {
                return nil  // a longer identifier, such as begin_date
            } else {
                break
            }
        }
        return word.isEmpty ? nil : String(decoding: word, as: UTF8.self)
    }
}
