/// A compact binary `Encoder`/`Decoder` pair for the parse cache, driven by the types' own
/// (synthesized) `Codable` conformances, so a new operation or schema field needs no codec code.
///
/// The format is positional: keyed containers write their values in the order they are encoded
/// and read them back in the same order (synthesized conformances encode and decode stored
/// properties in declaration order), so keys cost nothing. Only an enum case's name is written,
/// since synthesized enum decoding asks which key is present. An optional carries a presence
/// byte, an array a 4-byte count, an integer a zigzag varint, a string its UTF-8 length and bytes.
/// It is private to one version of migrate: ``RevisionCoding/formatVersion`` names the cache file,
/// and a test pins the encoding so that a change to the model cannot be read by an old cache.
package enum CompactCoding {
    package static func encode(_ value: some Encodable) throws -> [UInt8] {
        let sink = ByteSink()
        try sink.value(value)
        return sink.bytes
    }

    /// The value, or an error when the bytes are not exactly one valid encoding of it.
    package static func decode<Value: Decodable>(_ type: Value.Type, from bytes: [UInt8]) throws -> Value {
        let source = ByteSource(bytes)
        let value: Value = try source.value()
        guard source.isAtEnd else { throw source.malformed("bytes left after the value") }
        return value
    }
}

// MARK: Encoding

/// The output buffer, shared by the encoder and every container it hands out.
private final class ByteSink {
    var bytes: [UInt8] = []

    func byte(_ value: UInt8) { bytes.append(value) }

    /// Zigzag varint: small numbers of either sign take one byte.
    func integer(_ value: Int64) {
        var bits = UInt64(bitPattern: (value << 1) ^ (value >> 63))
        while bits >= 0x80 {
            bytes.append(UInt8(bits & 0x7F) | 0x80)
            bits >>= 7
        }
        bytes.append(UInt8(bits))
    }

    func string(_ value: String) {
        integer(Int64(value.utf8.count))
        bytes.append(contentsOf: value.utf8)
    }

    /// Writes any value: primitives directly, optionals with a presence byte, everything else
    /// through its `encode(to:)`.
    func value<Value: Encodable>(_ value: Value) throws {
        // Optionals first: a cast to `String` would also unwrap a `String?`, losing its presence byte.
        switch value {
        case let optional as any OptionalEncodable: try optional.encodePresence(to: self)
        case let text as String: string(text)
        case let number as Int: integer(Int64(number))
        case let flag as Bool: byte(flag ? 1 : 0)
        case let number as Double: fixed(number.bitPattern)
        default: try value.encode(to: CompactEncoder(sink: self))
        }
    }

    func fixed(_ bits: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift))) }
    }

    func primitive<Value: FixedWidthInteger>(_ value: Value) throws {
        guard let exact = Int64(exactly: value) else {
            throw EncodingError.invalidValue(value, .init(codingPath: [], debugDescription: "an integer beyond 64 bits"))
        }
        integer(exact)
    }
}

private protocol OptionalEncodable {
    func encodePresence(to sink: ByteSink) throws
}

extension Optional: OptionalEncodable where Wrapped: Encodable {
    fileprivate func encodePresence(to sink: ByteSink) throws {
        guard let self else { return sink.byte(0) }
        sink.byte(1)
        try sink.value(self)
    }
}

private struct CompactEncoder: Encoder {
    let sink: ByteSink
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(KeyedWriter(sink: sink))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer { UnkeyedWriter(sink: sink) }
    func singleValueContainer() -> any SingleValueEncodingContainer { SingleValueWriter(sink: sink) }
}

private struct KeyedWriter<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let sink: ByteSink
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil(forKey key: Key) throws { sink.byte(0) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { try sink.value(value) }
    mutating func encode(_ value: String, forKey key: Key) throws { sink.string(value) }
    mutating func encode(_ value: Double, forKey key: Key) throws { try sink.value(value) }
    mutating func encode(_ value: Float, forKey key: Key) throws { try sink.value(Double(value)) }
    mutating func encode(_ value: Int, forKey key: Key) throws { sink.integer(Int64(value)) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { try sink.primitive(value) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { try sink.primitive(value) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { try sink.primitive(value) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { try sink.primitive(value) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { try sink.primitive(value) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { try sink.primitive(value) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { try sink.primitive(value) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { try sink.primitive(value) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { try sink.primitive(value) }
    mutating func encode<Value: Encodable>(_ value: Value, forKey key: Key) throws { try sink.value(value) }

    // Synthesized conformances skip nil optionals with `encodeIfPresent`; a positional format
    // needs the gap marked, so every overload writes a presence byte.
    mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { try sink.value(value) }
    mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { try sink.value(value) }
    mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { try sink.value(value) }
    mutating func encodeIfPresent(_ value: Float?, forKey key: Key) throws { try sink.value(value.map(Double.init)) }
    mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { try sink.value(value) }
    mutating func encodeIfPresent(_ value: Int8?, forKey key: Key) throws { try sink.value(value.map(Int.init)) }
    mutating func encodeIfPresent(_ value: Int16?, forKey key: Key) throws { try sink.value(value.map(Int.init)) }
    mutating func encodeIfPresent(_ value: Int32?, forKey key: Key) throws { try sink.value(value.map(Int.init)) }
    mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { try sink.value(value.map(Int.init)) }
    mutating func encodeIfPresent(_ value: UInt?, forKey key: Key) throws { try presence(value) }
    mutating func encodeIfPresent(_ value: UInt8?, forKey key: Key) throws { try sink.value(value.map(Int.init)) }
    mutating func encodeIfPresent(_ value: UInt16?, forKey key: Key) throws { try sink.value(value.map(Int.init)) }
    mutating func encodeIfPresent(_ value: UInt32?, forKey key: Key) throws { try sink.value(value.map(Int.init)) }
    mutating func encodeIfPresent(_ value: UInt64?, forKey key: Key) throws { try presence(value) }
    mutating func encodeIfPresent<Value: Encodable>(_ value: Value?, forKey key: Key) throws { try sink.value(value) }

    private func presence<Value: FixedWidthInteger>(_ value: Value?) throws {
        guard let value else { return sink.byte(0) }
        sink.byte(1)
        try sink.primitive(value)
    }

    /// An enum case's payload: the one place a key is written, since decoding asks for it.
    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        sink.string(key.stringValue)
        return KeyedEncodingContainer(KeyedWriter<NestedKey>(sink: sink))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        sink.string(key.stringValue)
        return UnkeyedWriter(sink: sink)
    }

    mutating func superEncoder() -> any Encoder { CompactEncoder(sink: sink) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { CompactEncoder(sink: sink) }
}

/// Writes a 4-byte count first and raises it with every element, since `Encodable` does not
/// say how many elements follow.
private struct UnkeyedWriter: UnkeyedEncodingContainer {
    let sink: ByteSink
    let countOffset: Int
    private(set) var count = 0
    var codingPath: [any CodingKey] { [] }

    init(sink: ByteSink) {
        self.sink = sink
        countOffset = sink.bytes.count
        sink.bytes.append(contentsOf: [0, 0, 0, 0])
    }

    private mutating func added() {
        count += 1
        let value = UInt32(truncatingIfNeeded: count)
        for index in 0..<4 { sink.bytes[countOffset + index] = UInt8(truncatingIfNeeded: value >> UInt32(8 * index)) }
    }

    mutating func encodeNil() throws { throw SingleValueWriter.unsupportedNil }
    mutating func encode(_ value: Bool) throws { try sink.value(value); added() }
    mutating func encode(_ value: String) throws { sink.string(value); added() }
    mutating func encode(_ value: Double) throws { try sink.value(value); added() }
    mutating func encode(_ value: Float) throws { try sink.value(Double(value)); added() }
    mutating func encode(_ value: Int) throws { sink.integer(Int64(value)); added() }
    mutating func encode(_ value: Int8) throws { try sink.primitive(value); added() }
    mutating func encode(_ value: Int16) throws { try sink.primitive(value); added() }
    mutating func encode(_ value: Int32) throws { try sink.primitive(value); added() }
    mutating func encode(_ value: Int64) throws { try sink.primitive(value); added() }
    mutating func encode(_ value: UInt) throws { try sink.primitive(value); added() }
    mutating func encode(_ value: UInt8) throws { try sink.primitive(value); added() }
    mutating func encode(_ value: UInt16) throws { try sink.primitive(value); added() }
    mutating func encode(_ value: UInt32) throws { try sink.primitive(value); added() }
    mutating func encode(_ value: UInt64) throws { try sink.primitive(value); added() }
    mutating func encode<Value: Encodable>(_ value: Value) throws { try sink.value(value); added() }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        added()
        return KeyedEncodingContainer(KeyedWriter<NestedKey>(sink: sink))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        added()
        return UnkeyedWriter(sink: sink)
    }

    mutating func superEncoder() -> any Encoder {
        added()
        return CompactEncoder(sink: sink)
    }
}

private struct SingleValueWriter: SingleValueEncodingContainer {
    let sink: ByteSink
    var codingPath: [any CodingKey] { [] }

    /// Optionals are written with a presence byte wherever they appear (see `ByteSink.value`);
    /// a bare nil outside a keyed container has no presence byte to pair with, so it is refused.
    static let unsupportedNil = EncodingError.invalidValue(
        (), .init(codingPath: [], debugDescription: "a nil outside an Optional cannot be written compactly"))

    mutating func encodeNil() throws { throw Self.unsupportedNil }
    mutating func encode(_ value: Bool) throws { try sink.value(value) }
    mutating func encode(_ value: String) throws { sink.string(value) }
    mutating func encode(_ value: Double) throws { try sink.value(value) }
    mutating func encode(_ value: Float) throws { try sink.value(Double(value)) }
    mutating func encode(_ value: Int) throws { sink.integer(Int64(value)) }
    mutating func encode(_ value: Int8) throws { try sink.primitive(value) }
    mutating func encode(_ value: Int16) throws { try sink.primitive(value) }
    mutating func encode(_ value: Int32) throws { try sink.primitive(value) }
    mutating func encode(_ value: Int64) throws { try sink.primitive(value) }
    mutating func encode(_ value: UInt) throws { try sink.primitive(value) }
    mutating func encode(_ value: UInt8) throws { try sink.primitive(value) }
    mutating func encode(_ value: UInt16) throws { try sink.primitive(value) }
    mutating func encode(_ value: UInt32) throws { try sink.primitive(value) }
    mutating func encode(_ value: UInt64) throws { try sink.primitive(value) }
    mutating func encode<Value: Encodable>(_ value: Value) throws { try sink.value(value) }
}

// MARK: Decoding

/// The input bytes and the read position, shared by the decoder and its containers.
private final class ByteSource {
    let bytes: [UInt8]
    var offset = 0
    /// The enum case name last read, and the offset of the container it was read for.
    var caseName: (start: Int, name: String)?

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { offset == bytes.count }

    func malformed(_ what: String) -> DecodingError {
        .dataCorrupted(.init(codingPath: [], debugDescription: "malformed cache entry at byte \(offset): \(what)"))
    }

    func byte() throws -> UInt8 {
        guard offset < bytes.count else { throw malformed("unexpected end") }
        defer { offset += 1 }
        return bytes[offset]
    }

    func bool() throws -> Bool {
        switch try byte() {
        case 0: return false
        case 1: return true
        default: throw malformed("not a boolean")
        }
    }

    func integer() throws -> Int64 {
        var bits: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let next = try byte()
            guard shift < 64 else { throw malformed("integer too long") }
            bits |= UInt64(next & 0x7F) << shift
            if next < 0x80 { break }
            shift += 7
        }
        return Int64(bitPattern: bits >> 1) ^ -Int64(bitPattern: bits & 1)
    }

    /// A length, which must fit in the bytes left.
    func length() throws -> Int {
        let value = try integer()
        guard value >= 0, value <= bytes.count - offset else { throw malformed("length beyond the end") }
        return Int(value)
    }

    func string() throws -> String {
        let count = try length()
        defer { offset += count }
        return String(decoding: bytes[offset..<offset + count], as: UTF8.self)
    }

    func double() throws -> Double {
        guard bytes.count - offset >= 8 else { throw malformed("unexpected end") }
        var bits: UInt64 = 0
        for index in 0..<8 { bits |= UInt64(bytes[offset + index]) << UInt64(8 * index) }
        offset += 8
        return Double(bitPattern: bits)
    }

    func primitive<Value: FixedWidthInteger>() throws -> Value {
        let number = try integer()
        guard let exact = Value(exactly: number) else { throw malformed("integer out of range") }
        return exact
    }

    func count() throws -> Int {
        guard bytes.count - offset >= 4 else { throw malformed("unexpected end") }
        var value = 0
        for index in 0..<4 { value |= Int(bytes[offset + index]) << (8 * index) }
        offset += 4
        // Every element takes at least one byte: a larger count is damage, not a huge array.
        guard value <= bytes.count - offset else { throw malformed("count beyond the end") }
        return value
    }

    func value<Value: Decodable>() throws -> Value {
        if Value.self == String.self { return try string() as! Value }
        if Value.self == Int.self { return Int(try integer()) as! Value }
        if Value.self == Bool.self { return try bool() as! Value }
        if Value.self == Double.self { return try double() as! Value }
        if let optional = Value.self as? any OptionalDecodable.Type { return try optional.decodePresence(from: self) as! Value }
        return try Value(from: CompactDecoder(source: self))
    }
}

private protocol OptionalDecodable {
    static func decodePresence(from source: ByteSource) throws -> Self
}

extension Optional: OptionalDecodable where Wrapped: Decodable {
    fileprivate static func decodePresence(from source: ByteSource) throws -> Self {
        try source.bool() ? .some(try source.value() as Wrapped) : .none
    }
}

private struct CompactDecoder: Decoder {
    let source: ByteSource
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(KeyedReader<Key>(source: source))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer { try UnkeyedReader(source: source) }
    func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleValueReader(source: source) }
}

private struct KeyedReader<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let source: ByteSource
    var codingPath: [any CodingKey] { [] }

    /// Where this container's values start, to tell whether its case name was read already.
    let start: Int

    init(source: ByteSource) {
        self.source = source
        start = source.offset
    }

    /// Asked only by synthesized enum decoding (possibly twice), which then opens the case's
    /// payload with `nestedContainer(keyedBy:forKey:)`: the case name written there.
    var allKeys: [Key] {
        if source.caseName?.start != start {
            guard let name = try? source.string() else { return [] }
            source.caseName = (start, name)
        }
        return source.caseName.flatMap { Key(stringValue: $0.name) }.map { [$0] } ?? []
    }

    /// Every key is present in a positional format; optionals say so with their presence byte.
    func contains(_ key: Key) -> Bool { true }
    /// Reads an optional's presence byte (`decodeIfPresent` asks this before decoding the value).
    func decodeNil(forKey key: Key) throws -> Bool { !(try source.bool()) }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try source.bool() }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try source.string() }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try source.double() }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { Float(try source.double()) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try source.primitive() }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try source.primitive() }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try source.primitive() }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try source.primitive() }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try source.primitive() }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try source.primitive() }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try source.primitive() }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try source.primitive() }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try source.primitive() }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try source.primitive() }
    func decode<Value: Decodable>(_ type: Value.Type, forKey key: Key) throws -> Value { try source.value() }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type, forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        KeyedDecodingContainer(KeyedReader<NestedKey>(source: source))
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try UnkeyedReader(source: source)
    }

    func superDecoder() throws -> any Decoder { CompactDecoder(source: source) }
    func superDecoder(forKey key: Key) throws -> any Decoder { CompactDecoder(source: source) }
}

private struct UnkeyedReader: UnkeyedDecodingContainer {
    let source: ByteSource
    let count: Int?
    private(set) var currentIndex = 0
    var codingPath: [any CodingKey] { [] }

    init(source: ByteSource) throws {
        self.source = source
        count = try source.count()
    }

    var isAtEnd: Bool { currentIndex == count }

    /// Moves past one element, which must exist.
    private mutating func advance() throws {
        guard !isAtEnd else { throw source.malformed("more elements read than written") }
        currentIndex += 1
    }

    /// Never true: the writer refuses a bare nil (optionals carry their own presence byte).
    mutating func decodeNil() throws -> Bool { false }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try advance(); return try source.bool() }
    mutating func decode(_ type: String.Type) throws -> String { try advance(); return try source.string() }
    mutating func decode(_ type: Double.Type) throws -> Double { try advance(); return try source.double() }
    mutating func decode(_ type: Float.Type) throws -> Float { try advance(); return Float(try source.double()) }
    mutating func decode(_ type: Int.Type) throws -> Int { try advance(); return try source.primitive() }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try advance(); return try source.primitive() }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try advance(); return try source.primitive() }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try advance(); return try source.primitive() }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try advance(); return try source.primitive() }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try advance(); return try source.primitive() }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try advance(); return try source.primitive() }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try advance(); return try source.primitive() }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try advance(); return try source.primitive() }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try advance(); return try source.primitive() }
    mutating func decode<Value: Decodable>(_ type: Value.Type) throws -> Value { try advance(); return try source.value() }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try advance()
        return KeyedDecodingContainer(KeyedReader<NestedKey>(source: source))
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try advance()
        return try UnkeyedReader(source: source)
    }

    mutating func superDecoder() throws -> any Decoder { try advance(); return CompactDecoder(source: source) }
}

private struct SingleValueReader: SingleValueDecodingContainer {
    let source: ByteSource
    var codingPath: [any CodingKey] { [] }

    /// Never true: the writer refuses a bare nil (optionals carry their own presence byte).
    func decodeNil() -> Bool { false }

    func decode(_ type: Bool.Type) throws -> Bool { try source.bool() }
    func decode(_ type: String.Type) throws -> String { try source.string() }
    func decode(_ type: Double.Type) throws -> Double { try source.double() }
    func decode(_ type: Float.Type) throws -> Float { Float(try source.double()) }
    func decode(_ type: Int.Type) throws -> Int { try source.primitive() }
    func decode(_ type: Int8.Type) throws -> Int8 { try source.primitive() }
    func decode(_ type: Int16.Type) throws -> Int16 { try source.primitive() }
    func decode(_ type: Int32.Type) throws -> Int32 { try source.primitive() }
    func decode(_ type: Int64.Type) throws -> Int64 { try source.primitive() }
    func decode(_ type: UInt.Type) throws -> UInt { try source.primitive() }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try source.primitive() }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try source.primitive() }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try source.primitive() }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try source.primitive() }
    func decode<Value: Decodable>(_ type: Value.Type) throws -> Value { try source.value() }
}
