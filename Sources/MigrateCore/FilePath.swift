/// Joining and splitting file paths as text, the way `NSString`'s path methods do for the
/// paths migrate handles, so that the modules need only FoundationEssentials (full Foundation
/// brings ICU: 50 MB of a statically linked binary, and a millisecond of start-up).
package enum FilePath {
    /// `folder` and `name` joined by one `/` (just `name` when `folder` is empty).
    package static func join(_ folder: String, _ name: String) -> String {
        guard !folder.isEmpty else { return name }
        // Compared as bytes: a `/` is always a character of its own, and `hasSuffix` compares
        // characters, which cost a noticeable part of listing a 1000-file folder.
        return folder.utf8.last == UInt8(ascii: "/") ? folder + name : "\(folder)/\(name)"
    }

    /// The path without its last component: `/a/b` → `/a`, `/a` → `/`, `a` → ``, `/a/b/` → `/a`.
    package static func parent(_ path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return "" }
        if slash == trimmed.startIndex { return "/" }
        return String(trimmed[..<slash])
    }

    /// The last component: `/a/b` → `b`, `/a/b/` → `b`, `/` → `/`.
    package static func lastComponent(_ path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard trimmed != "/", let slash = trimmed.lastIndex(of: "/") else { return String(trimmed) }
        return String(trimmed[trimmed.index(after: slash)...])
    }

    /// `path` made absolute against the absolute folder `base`, with `.` and `..` removed
    /// lexically (symbolic links are left alone).
    package static func absolute(_ path: String, relativeTo base: String) -> String {
        let full = path.hasPrefix("/") ? path : base + "/" + path
        var components: [Substring] = []
        for component in full.split(separator: "/") {
            switch component {
            case ".": continue
            case "..": if !components.isEmpty { components.removeLast() }
            default: components.append(component)
            }
        }
        return "/" + components.joined(separator: "/")
    }
}

extension StringProtocol {
    /// The text without spaces and tabs (and other Unicode white space) at either end, as
    /// Foundation's `trimmingCharacters(in: .whitespaces)` gives for single lines.
    package var trimmingWhitespace: String {
        guard let first = firstIndex(where: { !$0.isWhitespace }) else { return "" }
        let last = lastIndex(where: { !$0.isWhitespace })!
        return String(self[first...last])
    }
}
