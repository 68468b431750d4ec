import MigrateCore

/// A compact binary form of a ``Revision`` read from a Swift file, for the parse cache: decoding
/// it is much cheaper than parsing and interpreting the Swift again.
///
/// The format is private to one version of migrate (``formatVersion`` is part of every cache
/// key), so it needs no compatibility rules: a change here bumps the version and old entries
/// are simply never read again.
package enum RevisionCoding {
    /// Bumped whenever the encoding or the interpreter's output changes.
    package static let formatVersion = 1

    package static func encode(_ revision: Revision) -> [UInt8] {
        var writer = Writer()
        writer.string(revision.id)
        writer.strings(revision.downRevisions)
        writer.strings(revision.branchLabels)
        writer.strings(revision.dependsOn)
        writer.string(revision.message)
        writer.bool(revision.isTransactional)
        writer.int(revision.upgrade.count)
        for operation in revision.upgrade { writer.operation(operation) }
        writer.int(revision.downgrade.count)
        for operation in revision.downgrade { writer.operation(operation) }
        writer.ints(revision.upgradeLines)
        writer.ints(revision.downgradeLines)
        return writer.bytes
    }

    /// The tables a models file declares, for the models cache.
    package static func encode(tables: [Table]) -> [UInt8] {
        var writer = Writer()
        writer.int(tables.count)
        for table in tables { writer.table(table) }
        return writer.bytes
    }

    /// The tables of a models cache entry, or nil when the bytes are not a valid encoding.
    package static func decode(tables bytes: [UInt8]) -> [Table]? {
        var reader = Reader(bytes: bytes)
        guard let tables = try? (0..<reader.count()).map({ _ in try reader.table() }), reader.isAtEnd else {
            return nil
        }
        return tables
    }

    /// Entries of the parse cache file: checksum and encoded revision, in checksum order so that
    /// the same files give the same bytes.
    package static func encode(entries: [String: [UInt8]]) -> [UInt8] {
        var writer = Writer()
        writer.int(entries.count)
        for (checksum, bytes) in entries.sorted(by: { $0.key < $1.key }) {
            writer.string(checksum)
            writer.int(bytes.count)
            writer.bytes.append(contentsOf: bytes)
        }
        return writer.bytes
    }

    /// The entries of a parse cache file; nil when the bytes are not a whole, valid file.
    package static func decode(entries bytes: [UInt8]) -> [String: [UInt8]]? {
        var reader = Reader(bytes: bytes)
        do {
            var entries: [String: [UInt8]] = [:]
            for _ in 0..<(try reader.count()) {
                let checksum = try reader.string()
                let length = try reader.count()
                entries[checksum] = Array(bytes[reader.offset..<reader.offset + length])
                reader.offset += length
            }
            return reader.isAtEnd ? entries : nil
        } catch {
            return nil
        }
    }

    /// The revision, or nil when the bytes are not a valid encoding (a truncated cache file).
    package static func decode(_ bytes: [UInt8], path: String) -> Revision? {
        var reader = Reader(bytes: bytes)
        do {
            var revision = Revision(
                id: try reader.string(), downRevisions: try reader.strings(), branchLabels: try reader.strings(),
                dependsOn: try reader.strings(), message: try reader.string(), path: path,
                isTransactional: try reader.bool())
            revision.upgrade = try (0..<reader.count()).map { _ in try reader.operation() }
            revision.downgrade = try (0..<reader.count()).map { _ in try reader.operation() }
            revision.upgradeLines = try reader.ints()
            revision.downgradeLines = try reader.ints()
            guard reader.isAtEnd else { return nil }
            return revision
        } catch {
            return nil
        }
    }
}

private struct Writer {
    var bytes: [UInt8] = []

    mutating func byte(_ value: UInt8) { bytes.append(value) }
    mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }

    /// Zigzag varint: small numbers of either sign take one byte.
    mutating func int(_ value: Int) {
        var bits = UInt64(bitPattern: Int64((value << 1) ^ (value >> (Int.bitWidth - 1))))
        while bits >= 0x80 {
            bytes.append(UInt8(bits & 0x7F) | 0x80)
            bits >>= 7
        }
        bytes.append(UInt8(bits))
    }

    mutating func string(_ value: String) {
        int(value.utf8.count)
        bytes.append(contentsOf: value.utf8)
    }

    mutating func strings(_ values: [String]) {
        int(values.count)
        for value in values { string(value) }
    }

    mutating func ints(_ values: [Int]) {
        int(values.count)
        for value in values { int(value) }
    }

    /// Presence byte, then the value.
    mutating func optional<T>(_ value: T?, _ write: (inout Writer, T) -> Void) {
        guard let value else { return bool(false) }
        bool(true)
        write(&self, value)
    }

    mutating func optionalString(_ value: String?) { optional(value) { $0.string($1) } }
    mutating func optionalInt(_ value: Int?) { optional(value) { $0.int($1) } }

    mutating func tableName(_ name: TableName) {
        string(name.name)
        optionalString(name.schema)
    }

    mutating func columnType(_ type: ColumnType) {
        switch type {
        case .integer: byte(0)
        case .bigInteger: byte(1)
        case .smallInteger: byte(2)
        case .string(let length): byte(3); optionalInt(length)
        case .text: byte(4)
        case .boolean: byte(5)
        case .date: byte(6)
        case .dateTime(let timezone): byte(7); bool(timezone)
        case .time: byte(8)
        case .numeric(let precision, let scale): byte(9); optionalInt(precision); optionalInt(scale)
        case .float: byte(10)
        case .double: byte(11)
        case .binary: byte(12)
        case .uuid: byte(13)
        case .json: byte(14)
        case .jsonb: byte(15)
        case .enumeration(let name, let values): byte(16); string(name); strings(values)
        case .custom(let sql): byte(17); string(sql)
        }
    }

    mutating func serverDefault(_ value: ServerDefault) {
        switch value {
        case .string(let text): byte(0); string(text)
        case .integer(let number): byte(1); int(number)
        case .double(let number): byte(2); int(Int(Int64(bitPattern: number.bitPattern)))
        case .boolean(let flag): byte(3); bool(flag)
        case .expression(let sql): byte(4); string(sql)
        }
    }

    mutating func column(_ column: Column) {
        string(column.name)
        columnType(column.type)
        bool(column.isNullable)
        bool(column.isPrimaryKey)
        bool(column.isIdentity)
        optional(column.defaultValue) { $0.serverDefault($1) }
        optionalString(column.comment)
    }

    mutating func action(_ action: ReferentialAction?) {
        optional(action) { $0.byte(UInt8(ReferentialAction.allCases.firstIndex(of: $1)!)) }
    }

    mutating func foreignKey(_ key: ForeignKey) {
        optionalString(key.name)
        strings(key.columns)
        tableName(key.referencedTable)
        strings(key.referencedColumns)
        action(key.onDelete)
        action(key.onUpdate)
    }

    mutating func index(_ index: Index) {
        string(index.name)
        tableName(index.table)
        int(index.keys.count)
        for key in index.keys {
            switch key {
            case .column(let name): byte(0); string(name)
            case .expression(let sql): byte(1); string(sql)
            }
        }
        bool(index.isUnique)
        optionalString(index.predicate)
    }

    mutating func table(_ table: Table) {
        tableName(table.name)
        int(table.columns.count)
        for column in table.columns { self.column(column) }
        optionalString(table.primaryKeyName)
        int(table.foreignKeys.count)
        for key in table.foreignKeys { foreignKey(key) }
        int(table.uniqueConstraints.count)
        for constraint in table.uniqueConstraints { optionalString(constraint.name); strings(constraint.columns) }
        int(table.checkConstraints.count)
        for constraint in table.checkConstraints { optionalString(constraint.name); string(constraint.expression) }
        int(table.indexes.count)
        for index in table.indexes { self.index(index) }
        optionalString(table.comment)
    }

    mutating func sqlValue(_ value: SQLValue) {
        switch value {
        case .null: byte(0)
        case .integer(let number): byte(1); int(number)
        case .double(let number): byte(2); int(Int(Int64(bitPattern: number.bitPattern)))
        case .string(let text): byte(3); string(text)
        case .boolean(let flag): byte(4); bool(flag)
        }
    }

    mutating func operation(_ operation: MigrateCore.Operation) {
        switch operation {
        case .createTable(let table):
            byte(0); self.table(table)
        case .dropTable(let name, let definition):
            byte(1); tableName(name); optional(definition) { $0.table($1) }
        case .renameTable(let name, let newName):
            byte(2); tableName(name); string(newName)
        case .addColumn(let name, let column):
            byte(3); tableName(name); self.column(column)
        case .dropColumn(let name, let column, let definition):
            byte(4); tableName(name); string(column); optional(definition) { $0.column($1) }
        case .alterColumn(let name, let column, let changes):
            byte(5); tableName(name); string(column)
            optionalString(changes.newName)
            optional(changes.type) { $0.columnType($1) }
            optional(changes.isNullable) { $0.bool($1) }
            optional(changes.defaultValue) { writer, value in writer.optional(value) { $0.serverDefault($1) } }
            optional(changes.comment) { $0.optionalString($1) }
            optional(changes.existingType) { $0.columnType($1) }
            optional(changes.existingNullable) { $0.bool($1) }
            optional(changes.existingDefault) { writer, value in writer.optional(value) { $0.serverDefault($1) } }
            optional(changes.existingComment) { $0.optionalString($1) }
        case .createIndex(let index):
            byte(6); self.index(index)
        case .dropIndex(let name, let table, let definition):
            byte(7); string(name); tableName(table); optional(definition) { $0.index($1) }
        case .createUniqueConstraint(let name, let constraint):
            byte(8); tableName(name); optionalString(constraint.name); strings(constraint.columns)
        case .createCheckConstraint(let name, let constraint):
            byte(9); tableName(name); optionalString(constraint.name); string(constraint.expression)
        case .createForeignKey(let name, let key):
            byte(10); tableName(name); foreignKey(key)
        case .createPrimaryKey(let name, let constraintName, let columns):
            byte(11); tableName(name); optionalString(constraintName); strings(columns)
        case .dropConstraint(let name, let constraintName, let kind):
            byte(12); tableName(name); string(constraintName); byte(UInt8(ConstraintKind.allCases.firstIndex(of: kind)!))
        case .setTableComment(let name, let comment, let previous):
            byte(13); tableName(name); optionalString(comment); optionalString(previous)
        case .execute(let sql):
            byte(14); string(sql)
        case .bulkInsert(let name, let columns, let rows):
            byte(15); tableName(name); strings(columns)
            int(rows.count)
            for row in rows {
                int(row.count)
                for value in row { sqlValue(value) }
            }
        case .swiftCode(let label):
            byte(16); optionalString(label)
        }
    }
}

private struct Reader {
    struct Malformed: Error {}

    let bytes: [UInt8]
    var offset = 0

    var isAtEnd: Bool { offset == bytes.count }

    mutating func byte() throws -> UInt8 {
        guard offset < bytes.count else { throw Malformed() }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func bool() throws -> Bool { try byte() != 0 }

    mutating func int() throws -> Int {
        var bits: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let next = try byte()
            guard shift < 64 else { throw Malformed() }
            bits |= UInt64(next & 0x7F) << shift
            if next < 0x80 { break }
            shift += 7
        }
        let value = Int(Int64(bitPattern: bits >> 1)) ^ -Int(Int64(bitPattern: bits & 1))
        return value
    }

    /// A count, which must be plausible for the bytes left.
    mutating func count() throws -> Int {
        let value = try int()
        guard value >= 0, value <= bytes.count - offset else { throw Malformed() }
        return value
    }

    mutating func string() throws -> String {
        let length = try count()
        defer { offset += length }
        return String(decoding: bytes[offset..<offset + length], as: UTF8.self)
    }

    mutating func strings() throws -> [String] { try (0..<count()).map { _ in try string() } }
    mutating func ints() throws -> [Int] { try (0..<count()).map { _ in try int() } }

    mutating func optional<T>(_ read: (inout Reader) throws -> T) throws -> T? {
        try bool() ? try read(&self) : nil
    }

    mutating func optionalString() throws -> String? { try optional { try $0.string() } }
    mutating func optionalInt() throws -> Int? { try optional { try $0.int() } }

    mutating func tableName() throws -> TableName { TableName(try string(), schema: try optionalString()) }

    mutating func double() throws -> Double { Double(bitPattern: UInt64(bitPattern: Int64(try int()))) }

    mutating func columnType() throws -> ColumnType {
        switch try byte() {
        case 0: return .integer
        case 1: return .bigInteger
        case 2: return .smallInteger
        case 3: return .string(length: try optionalInt())
        case 4: return .text
        case 5: return .boolean
        case 6: return .date
        case 7: return .dateTime(timezone: try bool())
        case 8: return .time
        case 9: return .numeric(precision: try optionalInt(), scale: try optionalInt())
        case 10: return .float
        case 11: return .double
        case 12: return .binary
        case 13: return .uuid
        case 14: return .json
        case 15: return .jsonb
        case 16: return .enumeration(name: try string(), values: try strings())
        case 17: return .custom(try string())
        default: throw Malformed()
        }
    }

    mutating func serverDefault() throws -> ServerDefault {
        switch try byte() {
        case 0: return .string(try string())
        case 1: return .integer(try int())
        case 2: return .double(try double())
        case 3: return .boolean(try bool())
        case 4: return .expression(try string())
        default: throw Malformed()
        }
    }

    mutating func column() throws -> Column {
        var column = Column(try string(), try columnType())
        column.isNullable = try bool()
        column.isPrimaryKey = try bool()
        column.isIdentity = try bool()
        column.defaultValue = try optional { try $0.serverDefault() }
        column.comment = try optionalString()
        return column
    }

    mutating func action() throws -> ReferentialAction? {
        try optional { reader in
            let index = Int(try reader.byte())
            guard index < ReferentialAction.allCases.count else { throw Malformed() }
            return ReferentialAction.allCases[index]
        }
    }

    mutating func foreignKey() throws -> ForeignKey {
        ForeignKey(
            name: try optionalString(), columns: try strings(), references: try tableName(),
            referencedColumns: try strings(), onDelete: try action(), onUpdate: try action())
    }

    mutating func index() throws -> Index {
        let name = try string()
        let table = try tableName()
        let keys = try (0..<count()).map { _ -> IndexKey in
            switch try byte() {
            case 0: return .column(try string())
            case 1: return .expression(try string())
            default: throw Malformed()
            }
        }
        return Index(name: name, table: table, keys: keys, isUnique: try bool(), predicate: try optionalString())
    }

    mutating func table() throws -> Table {
        var table = Table(try tableName(), columns: [])
        table.columns = try (0..<count()).map { _ in try column() }
        table.primaryKeyName = try optionalString()
        table.foreignKeys = try (0..<count()).map { _ in try foreignKey() }
        table.uniqueConstraints = try (0..<count()).map { _ in
            UniqueConstraint(name: try optionalString(), columns: try strings())
        }
        table.checkConstraints = try (0..<count()).map { _ in
            CheckConstraint(name: try optionalString(), expression: try string())
        }
        table.indexes = try (0..<count()).map { _ in try index() }
        table.comment = try optionalString()
        return table
    }

    mutating func sqlValue() throws -> SQLValue {
        switch try byte() {
        case 0: return .null
        case 1: return .integer(try int())
        case 2: return .double(try double())
        case 3: return .string(try string())
        case 4: return .boolean(try bool())
        default: throw Malformed()
        }
    }

    mutating func operation() throws -> MigrateCore.Operation {
        switch try byte() {
        case 0: return .createTable(try table())
        case 1: return .dropTable(try tableName(), definition: try optional { try $0.table() })
        case 2: return .renameTable(try tableName(), to: try string())
        case 3: return .addColumn(try tableName(), try column())
        case 4: return .dropColumn(try tableName(), column: try string(), definition: try optional { try $0.column() })
        case 5:
            let name = try tableName()
            let column = try string()
            var changes = ColumnChanges()
            changes.newName = try optionalString()
            changes.type = try optional { try $0.columnType() }
            changes.isNullable = try optional { try $0.bool() }
            changes.defaultValue = try optional { reader in try reader.optional { try $0.serverDefault() } }
            changes.comment = try optional { try $0.optionalString() }
            changes.existingType = try optional { try $0.columnType() }
            changes.existingNullable = try optional { try $0.bool() }
            changes.existingDefault = try optional { reader in try reader.optional { try $0.serverDefault() } }
            changes.existingComment = try optional { try $0.optionalString() }
            return .alterColumn(name, column: column, changes: changes)
        case 6: return .createIndex(try index())
        case 7: return .dropIndex(name: try string(), table: try tableName(), definition: try optional { try $0.index() })
        case 8:
            return .createUniqueConstraint(try tableName(), UniqueConstraint(name: try optionalString(), columns: try strings()))
        case 9:
            return .createCheckConstraint(try tableName(), CheckConstraint(name: try optionalString(), expression: try string()))
        case 10: return .createForeignKey(try tableName(), try foreignKey())
        case 11: return .createPrimaryKey(try tableName(), name: try optionalString(), columns: try strings())
        case 12:
            let name = try tableName()
            let constraint = try string()
            let kind = Int(try byte())
            guard kind < ConstraintKind.allCases.count else { throw Malformed() }
            return .dropConstraint(name, name: constraint, kind: ConstraintKind.allCases[kind])
        case 13: return .setTableComment(try tableName(), comment: try optionalString(), previous: try optionalString())
        case 14: return .execute(try string())
        case 15:
            let name = try tableName()
            let columns = try strings()
            let rows = try (0..<count()).map { _ in try (0..<count()).map { _ in try sqlValue() } }
            return .bulkInsert(name, columns: columns, rows: rows)
        case 16: return .swiftCode(label: try optionalString())
        default: throw Malformed()
        }
    }
}
