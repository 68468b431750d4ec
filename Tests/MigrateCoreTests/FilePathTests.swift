import MigrateCore
import Testing

/// The path helpers give what NSString's path methods give for the paths migrate builds.
@Suite struct FilePathTests {
    @Test(arguments: [
        ("/srv/app", "versions", "/srv/app/versions"),
        ("/srv/app/", "versions", "/srv/app/versions"),
        ("", "migrate.json", "migrate.json"),
        ("/", "x", "/x"),
        ("rel/dir", "a_b.sql", "rel/dir/a_b.sql"),
    ])
    func join(folder: String, name: String, expected: String) {
        #expect(FilePath.join(folder, name) == expected)
    }

    @Test(arguments: [
        ("/srv/app/versions", "/srv/app"),
        ("/srv/app/versions/", "/srv/app"),
        ("/srv", "/"),
        ("/", "/"),
        ("migrate.json", ""),
        ("a/b", "a"),
    ])
    func parent(path: String, expected: String) {
        #expect(FilePath.parent(path) == expected)
    }

    @Test(arguments: [
        ("/srv/app/migrate.json", "migrate.json"),
        ("/srv/app/", "app"),
        ("migrate.json", "migrate.json"),
        ("/", "/"),
    ])
    func lastComponent(path: String, expected: String) {
        #expect(FilePath.lastComponent(path) == expected)
    }
}
