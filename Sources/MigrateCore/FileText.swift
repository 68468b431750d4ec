#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads and creates the text files migrate handles: migration files (every command reads every
/// one of a history), models files and migrate.json, all through the same rules.
///
/// POSIX calls and the standard library's UTF-8 validation do what Foundation's
/// `String(contentsOfFile:encoding:)` did at a fraction of its cost on a 1000-file history,
/// with the same result: the text without a leading byte order mark.
package enum FileText {
    /// The text of the file at `path`; throws ``FileError`` when it cannot be read or is not UTF-8.
    ///
    /// With `directory` (an open folder's descriptor), `name` is opened relative to it, which
    /// spares the kernel a walk of the whole path for each of a thousand files; `path` is then
    /// only used in errors.
    package static func contents(of path: String, name: String? = nil, in directory: Int32? = nil) throws(FileError) -> String {
        let descriptor: Int32
        if let directory, let name {
            descriptor = openat(directory, name, O_RDONLY | O_CLOEXEC)
        } else {
            descriptor = open(path, O_RDONLY | O_CLOEXEC)
        }
        guard descriptor >= 0 else { throw FileError(path: path, reason: .system(errno)) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw FileError(path: path, reason: .system(errno)) }
        guard status.st_mode & S_IFMT != S_IFDIR else { throw FileError(path: path, reason: .system(EISDIR)) }
        let isRegular = status.st_mode & S_IFMT == S_IFREG
        var bytes: [UInt8] = []
        // The size is a hint: read until the end, so a file that grows meanwhile is read whole.
        var capacity = max(Int(status.st_size), 0) + 1
        var count = 0
        while true {
            if count == bytes.count { bytes.append(contentsOf: repeatElement(0, count: capacity)) }
            let wanted = bytes.count - count
            let read: Int = bytes.withUnsafeMutableBytes { buffer in
                readBytes(descriptor, buffer.baseAddress! + count, wanted)
            }
            if read < 0 {
                if errno == EINTR { continue }
                throw FileError(path: path, reason: .system(errno))
            }
            count += read
            // A regular file reads short only at its end, which spares a read that returns 0
            // for each of a thousand files.
            if read == 0 || (isRegular && read < wanted) { break }
            capacity = count
        }
        bytes.removeSubrange(count...)
        let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        guard let text = String(validating: bytes[start...], as: UTF8.self) else {
            throw FileError(path: path, reason: .notUTF8)
        }
        return text
    }
}

extension FileText {
    /// Creates the file at `path` holding `text`; throws ``FileError`` (with the system's
    /// reason) when it exists already or cannot be written, and leaves no partial file behind.
    ///
    /// A new migration is a source file the user reviews and commits: it is written like an
    /// editor's new file, without Foundation's atomic write, whose fsync cost `revision` tens of
    /// milliseconds on a busy disk; `O_EXCL` means an existing file is never replaced.
    package static func create(_ path: String, text: String) throws(FileError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw FileError(path: path, reason: .system(errno)) }
        var failure = writeAll(text, to: descriptor)
        if close(descriptor) != 0, failure == nil { failure = errno }
        if let failure {
            unlink(path)
            throw FileError(path: path, reason: .system(failure))
        }
    }
}

extension FileText {
    /// Writes all of `text` to an open file descriptor, retrying interrupted and partial writes;
    /// returns the errno of a failed write, nil when everything was written.
    @discardableResult
    package static func writeAll(_ text: String, to descriptor: Int32) -> Int32? {
        var text = text
        return text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return nil
        }
    }
}

/// An open folder, for ``FileText/contents(of:name:in:)``; closed when released.
package final class DirectoryHandle: Sendable {
    package let descriptor: Int32

    /// Nil when the folder cannot be opened (the caller then opens files by path).
    package init?(path: String) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }
}

/// POSIX `read`, under a name the enclosing scope's `read` variables do not shadow.
private func readBytes(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}

/// Why a file could not be read or written: a system error (with its errno) or text that is not
/// UTF-8. The path is kept for callers; the description leaves it to the error's location.
package struct FileError: Error, CustomStringConvertible {
    package enum Reason: Equatable {
        case system(Int32)
        case notUTF8
    }

    package var path: String
    package var reason: Reason

    package var description: String {
        switch reason {
        case .system(let code): return "\(String(cString: strerror(code))) (errno \(code))"
        case .notUTF8: return "the file is not valid UTF-8 text"
        }
    }
}
