import MigrateKit

/// How the read commands show a revision to people, in Alembic's forms. Built from the
/// revision's parts, so a message or path with a line break or escape sequence in it is shown
/// escaped while the entry's own lines stay lines.
extension RevisionInfo {
    /// Alembic's one-line form, `a, b (x) -> m (label) (head) (current) (mergepoint), message`;
    /// the flags choose its parts as each Alembic command does.
    func line(parents: Bool = false, labels: Bool = true, treeIndicators: Bool = true, message: Bool = false) -> TerminalText {
        var text: TerminalText = "\(revision)"
        if parents {
            let down = downRevisions.isEmpty ? "<base>" : downRevisions.joined(separator: ", ")
            text = dependsOn.isEmpty
                ? "\(down) -> \(text)"
                : "\(down) (\(dependsOn.joined(separator: ", "))) -> \(text)"
        }
        if labels && !branchLabels.isEmpty { text += " (\(branchLabels.joined(separator: ", ")))" }
        if isHead { text += " (head)" }
        if isEffectiveHead { text += " (effective head)" }
        if isCurrent == true { text += " (current)" }
        if treeIndicators {
            if isBranchPoint { text += " (branchpoint)" }
            if isMergePoint { text += " (mergepoint)" }
        }
        if message { text += ", \(self.message)" }
        return text
    }

    /// Alembic's verbose entry (`Rev:`, `Parent:`/`Merges:`, `Also depends on:`, `Branches
    /// into:`, `Branch names:`, `Path:`, then indented the message, the description and the
    /// `Revision ID:`, `Revises:` and `Create Date:` lines Alembic's template writes into the
    /// docstring), ending with a newline.
    var logEntry: TerminalText {
        var text: TerminalText = "Rev: \(revision)"
        if isHead || isEffectiveHead { text += " (head)" }
        if isBranchPoint { text += " (branchpoint)" }
        if isMergePoint { text += " (mergepoint)" }
        if isCurrent == true { text += " (current)" }
        text += "\n"
        let down = downRevisions.isEmpty ? "<base>" : downRevisions.joined(separator: ", ")
        text += isMergePoint ? "Merges: \(down)\n" : "Parent: \(down)\n"
        if !dependsOn.isEmpty { text += "Also depends on: \(dependsOn.joined(separator: ", "))\n" }
        if isBranchPoint { text += "Branches into: \(children.joined(separator: ", "))\n" }
        if !branchLabels.isEmpty { text += "Branch names: \(branchLabels.joined(separator: ", "))\n" }
        text += "Path: \(path ?? "")\n\n    \(message)\n"
        if !longDescription.isEmpty {
            text += "\n"
            for line in longDescription.split(separator: "\n", omittingEmptySubsequences: false) {
                text += line.isEmpty ? "\n" : "    \(String(line))\n"
            }
        }
        text += "\n    Revision ID: \(revision)\n"
        text += downRevisions.isEmpty ? "    Revises:\n" : "    Revises: \(downRevisions.joined(separator: ", "))\n"
        if let createDate { text += "    Create Date: \(createDate)\n" }
        return text
    }
}
