/// Something a statement that failed outside a transaction left behind, and the statement that
/// removes it: a failed `CREATE INDEX CONCURRENTLY` leaves its index, marked INVALID.
public struct LeftoverObject: Sendable, Hashable {
    /// E.g. `the INVALID index public.items_name on public.items`.
    public var description: String
    /// E.g. `DROP INDEX CONCURRENTLY IF EXISTS "public"."items_name";`
    public var removal: String

    public init(description: String, removal: String) {
        self.description = description
        self.removal = removal
    }
}
