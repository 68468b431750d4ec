/// Something in a database that the schema model cannot express (a view, a function, a
/// trigger, a grant…), which `migrate inspect` names instead of leaving out silently.
public struct UnmodeledObject: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// What it is, in the engine's words: `view`, `function`, `trigger`, `sequence`, `grant`…
    public var kind: String
    /// Its name, qualified by its schema outside the default one; a function's carries its
    /// argument types, since PostgreSQL overloads them.
    public var name: String
    /// What it belongs to, when that says where to look: `on payment` for a trigger or a rule.
    public var detail: String?

    public init(kind: String, name: String, detail: String? = nil) {
        self.kind = kind
        self.name = name
        self.detail = detail
    }

    /// `trigger last_updated on actor`.
    public var description: String {
        "\(kind) \(name)" + (detail.map { " \($0)" } ?? "")
    }

    public static func < (lhs: UnmodeledObject, rhs: UnmodeledObject) -> Bool {
        (lhs.kind, lhs.name, lhs.detail ?? "") < (rhs.kind, rhs.name, rhs.detail ?? "")
    }
}
