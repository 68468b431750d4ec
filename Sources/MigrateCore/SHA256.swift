import CSHA256

/// SHA-256 (FIPS 180-4), for the checksums of applied migration files.
///
/// Foundation on Linux has no digest API, and the core links no crypto library. Every command
/// that runs or verifies migrations checksums every migration file, so blocks go to the CPU's
/// SHA instructions where it has them (a small C target), and otherwise through portable rounds
/// on unsafe buffers that do not allocate.
public enum SHA256 {
    /// Whether blocks go to the CPU's SHA instructions.
    static let usesHardware = migrate_sha256_hardware_available() != 0

    /// The digest of `bytes` as 64 lowercase hex digits.
    public static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let digest = digest(bytes)
        let digits: StaticString = "0123456789abcdef"
        return String(unsafeUninitializedCapacity: 64) { text in
            digits.withUTF8Buffer { digits in
                for (index, byte) in digest.enumerated() {
                    text[index * 2] = digits[Int(byte >> 4)]
                    text[index * 2 + 1] = digits[Int(byte & 0x0f)]
                }
            }
            return 64
        }
    }

    /// The 32-byte digest of `bytes`.
    public static func digest<Bytes: Sequence>(_ bytes: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
        if let digest = bytes.withContiguousStorageIfAvailable({ digest(UnsafeRawBufferPointer($0), hardware: true) }) {
            return digest
        }
        return Array(bytes).withUnsafeBytes { digest($0, hardware: true) }
    }

    /// The digest computed with the portable rounds (`hardware: false`) or the CPU's
    /// instructions, so that tests can hold each to the same vectors.
    static func digest(_ message: UnsafeRawBufferPointer, hardware: Bool) -> [UInt8] {
        var state = State(hardware: hardware && usesHardware)
        let wholeBlocks = message.count / 64
        if wholeBlocks > 0 {
            state.compress(UnsafeRawBufferPointer(rebasing: message[0..<(wholeBlocks * 64)]))
        }
        // The rest of the message, the 0x80 marker and the bit length fill one or two blocks.
        var tail = [UInt8](repeating: 0, count: 128)
        let rest = message.count - wholeBlocks * 64
        for index in 0..<rest { tail[index] = message[wholeBlocks * 64 + index] }
        tail[rest] = 0x80
        let tailLength = rest < 56 ? 64 : 128
        let bitLength = UInt64(message.count) &* 8
        for index in 0..<8 { tail[tailLength - 1 - index] = UInt8(truncatingIfNeeded: bitLength >> (UInt64(index) * 8)) }
        tail.withUnsafeBytes { tail in
            state.compress(UnsafeRawBufferPointer(rebasing: tail[0..<tailLength]))
        }
        var result = [UInt8](repeating: 0, count: 32)
        for (index, word) in state.words.enumerated() {
            for byte in 0..<4 { result[index * 4 + byte] = UInt8(truncatingIfNeeded: word >> UInt32(24 - byte * 8)) }
        }
        return result
    }

    /// The eight working hash words, and the compression of 64-byte blocks into them.
    private struct State {
        let hardware: Bool
        var words: [UInt32] = [
            0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19,
        ]
        /// The message schedule of the portable rounds, reused for every block.
        var schedule = [UInt32](repeating: 0, count: 64)

        init(hardware: Bool) {
            self.hardware = hardware
        }

        /// Compresses `blocks`, whose length is a multiple of 64.
        mutating func compress(_ blocks: UnsafeRawBufferPointer) {
            let count = blocks.count / 64
            if hardware {
                words.withUnsafeMutableBufferPointer { hash in
                    migrate_sha256_hardware_compress(
                        hash.baseAddress!, blocks.baseAddress!.assumingMemoryBound(to: UInt8.self), count)
                }
                return
            }
            schedule.withUnsafeMutableBufferPointer { schedule in
                words.withUnsafeMutableBufferPointer { hash in
                    roundConstants.withUnsafeBufferPointer { constants in
                        for block in 0..<count {
                            Self.compress(
                                UnsafeRawBufferPointer(rebasing: blocks[(block * 64)..<(block * 64 + 64)]),
                                schedule: schedule, hash: hash, constants: constants)
                        }
                    }
                }
            }
        }

        private static func compress(
            _ block: UnsafeRawBufferPointer, schedule w: UnsafeMutableBufferPointer<UInt32>,
            hash: UnsafeMutableBufferPointer<UInt32>, constants: UnsafeBufferPointer<UInt32>
        ) {
            for i in 0..<16 {
                w[i] = UInt32(block[i * 4]) << 24 | UInt32(block[i * 4 + 1]) << 16
                    | UInt32(block[i * 4 + 2]) << 8 | UInt32(block[i * 4 + 3])
            }
            for i in 16..<64 {
                let s0 = rotate(w[i - 15], 7) ^ rotate(w[i - 15], 18) ^ (w[i - 15] >> 3)
                let s1 = rotate(w[i - 2], 17) ^ rotate(w[i - 2], 19) ^ (w[i - 2] >> 10)
                w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
            }
            var (a, b, c, d, e, f, g, h) = (hash[0], hash[1], hash[2], hash[3], hash[4], hash[5], hash[6], hash[7])
            for i in 0..<64 {
                let s1 = rotate(e, 6) ^ rotate(e, 11) ^ rotate(e, 25)
                let choice = (e & f) ^ (~e & g)
                let t1 = h &+ s1 &+ choice &+ constants[i] &+ w[i]
                let s0 = rotate(a, 2) ^ rotate(a, 13) ^ rotate(a, 22)
                let majority = (a & b) ^ (a & c) ^ (b & c)
                (h, g, f, e, d, c, b, a) = (g, f, e, d &+ t1, c, b, a, t1 &+ s0 &+ majority)
            }
            hash[0] &+= a
            hash[1] &+= b
            hash[2] &+= c
            hash[3] &+= d
            hash[4] &+= e
            hash[5] &+= f
            hash[6] &+= g
            hash[7] &+= h
        }
    }

    private static func rotate(_ value: UInt32, _ count: UInt32) -> UInt32 {
        (value >> count) | (value << (32 - count))
    }

    /// FIPS 180-4's round constants, kept once, in the C target.
    private static let roundConstants: [UInt32] = withUnsafeBytes(of: migrate_sha256_round_constants) {
        Array($0.bindMemory(to: UInt32.self))
    }
}
