/// A todo as the app knows it.
struct Todo: Hashable {
    var id: Int
    var title: String
    var done: Bool
    var slug: String?

    /// The URL fragment of a title: lowercase letters and digits, words joined by `-`.
    static func slug(_ title: String) -> String {
        title.lowercased()
            .split { !($0.isASCII && ($0.isLetter || $0.isNumber)) }
            .joined(separator: "-")
    }
}
