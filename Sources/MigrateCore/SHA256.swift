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

    private static let roundConstants: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]
}
