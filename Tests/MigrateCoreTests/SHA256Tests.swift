@testable import MigrateCore
import Testing

@Suite struct SHA256Tests {
    /// FIPS 180-4 test vectors, including messages whose padding spills into a second block.
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        (String(repeating: "a", count: 1000),
         "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3"),
        // Lengths around the block and padding boundaries (55, 56, 63, 64, 65, 119, 120, 128).
        (String(repeating: "a", count: 55), "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"),
        (String(repeating: "a", count: 56), "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"),
        (String(repeating: "a", count: 63), "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"),
        (String(repeating: "a", count: 64), "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"),
        (String(repeating: "a", count: 65), "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0"),
        (String(repeating: "a", count: 119), "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb"),
        (String(repeating: "a", count: 120), "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c"),
        (String(repeating: "a", count: 128), "6836cf13bac400e9105071cd6af47084dfacad4e5e302c94bfed24e013afb73e"),
        ("é€😀", "df9226927fd572c1ee66eec85de1bb139497614899f36e4e90474cb71f6ef9d0"),
    ])
    func knownDigests(message: String, expected: String) {
        #expect(SHA256.hex(message.utf8) == expected)
        // A sequence without contiguous storage takes the copying path.
        #expect(SHA256.hex(message.utf8.lazy.map { $0 }) == expected)
        // The portable rounds give the same digest where the CPU's instructions are used.
        let portable = Array(message.utf8).withUnsafeBytes { SHA256.digest($0, hardware: false) }
        #expect(portable == SHA256.digest(message.utf8))
    }

    /// Both paths over messages of every length up to four blocks, with varied bytes.
    @Test func hardwareAndPortableRoundsAgree() {
        var generator = SystemRandomNumberGenerator()
        for length in 0...256 {
            let message = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let portable = message.withUnsafeBytes { SHA256.digest($0, hardware: false) }
            let hardware = message.withUnsafeBytes { SHA256.digest($0, hardware: true) }
            #expect(portable == hardware, "length \(length)")
        }
    }
}
