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
    ///
    /// With `regularFileOnly`, anything but a regular file (or a link to one) is refused with
    /// ``FileError/Reason/notRegularFile(_:)`` without waiting on it: the file is opened with
    /// `O_NONBLOCK`, so a named pipe nobody writes to cannot hang the read. Without it, a pipe
    /// is read to its end (migrate.json from `-c <(…)`).
    package static func contents(
        of path: String, name: String? = nil, in directory: Int32? = nil, regularFileOnly: Bool = false
    ) throws(FileError) -> String {
        let flags = O_RDONLY | O_CLOEXEC | (regularFileOnly ? O_NONBLOCK : 0)
        let descriptor: Int32
        if let directory, let name {
            descriptor = openat(directory, name, flags)
        } else {
            descriptor = open(path, flags)
        }
        guard descriptor >= 0 else { throw FileError(path: path, reason: .system(errno)) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw FileError(path: path, reason: .system(errno)) }
        guard status.st_mode & S_IFMT != S_IFDIR else { throw FileError(path: path, reason: .system(EISDIR)) }
        let isRegular = status.st_mode & S_IFMT == S_IFREG
        if regularFileOnly && !isRegular {
            throw FileError(path: path, reason: .notRegularFile(FileKind(mode: status.st_mode)))
        }
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
            throw FileError(path: path, reason: .notUTF8(InvalidUTF8(bytes)))
        }
        return text
    }

    /// What kind of file is at `path` (or `name` in the open folder `directory`), following
    /// symbolic links, found without opening it (opening a named pipe waits for a writer).
    package static func kind(of path: String, name: String? = nil, in directory: Int32? = nil) throws(FileError) -> FileKind {
        var status = stat()
        let result: Int32
        if let directory, let name {
            result = fstatat(directory, name, &status, 0)
        } else {
            result = stat(path, &status)
        }
        guard result == 0 else { throw FileError(path: path, reason: .system(errno)) }
        return FileKind(mode: status.st_mode)
    }
}

/// What a directory entry is, from its `st_mode`.
package enum FileKind: Sendable, Equatable, CustomStringConvertible {
    case regular, directory, fifo, socket, characterDevice, blockDevice, symbolicLink, other

    package init(mode: mode_t) {
        switch mode & S_IFMT {
        case S_IFREG: self = .regular
        case S_IFDIR: self = .directory
        case S_IFIFO: self = .fifo
        case S_IFSOCK: self = .socket
        case S_IFCHR: self = .characterDevice
        case S_IFBLK: self = .blockDevice
        case S_IFLNK: self = .symbolicLink
        default: self = .other
        }
    }

    package var description: String {
        switch self {
        case .regular: "a regular file"
        case .directory: "a folder"
        case .fifo: "a named pipe (FIFO)"
        case .socket: "a socket"
        case .characterDevice: "a character device"
        case .blockDevice: "a block device"
        case .symbolicLink: "a symbolic link"
        case .other: "not a regular file"
        }
    }
}

/// Where a file's bytes stop being UTF-8: the offset of the first bad byte from the start of the
/// file, its line and column (1-based; the column counts bytes), and the byte itself.
package struct InvalidUTF8: Sendable, Equatable {
    package var offset: Int
    package var line: Int
    package var column: Int
    package var byte: UInt8

    /// Finds the first byte of `bytes` that does not start a valid UTF-8 sequence.
    package init(_ bytes: [UInt8]) {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        loop: while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar): offset += scalar.count
            case .error: break loop
            case .emptyInput: break loop
            }
        }
        offset = min(offset, max(bytes.count - 1, 0))
        let before = bytes[..<offset]
        let lineStart = before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
        self.offset = offset
        self.line = before.count { $0 == UInt8(ascii: "\n") } + 1
        self.column = offset - lineStart + 1
        self.byte = bytes.isEmpty ? 0 : bytes[offset]
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
        case notUTF8(InvalidUTF8)
        case notRegularFile(FileKind)
    }

    package var path: String
    package var reason: Reason

    package var description: String {
        switch reason {
        case .system(let code): return "\(String(cString: strerror(code))) (errno \(code))"
        case .notUTF8(let invalid):
            let hex = String(invalid.byte, radix: 16, uppercase: true)
            return "the file is not valid UTF-8 text: byte 0x\(hex.count == 1 ? "0" : "")\(hex) at offset \(invalid.offset) "
                + "(line \(invalid.line), column \(invalid.column)) does not start a valid UTF-8 sequence"
        case .notRegularFile(let kind): return "it is \(kind), not a regular file"
        }
    }
}
