package import Model

/// The text files that sit beside a rejected, paper or duplicate input and say why it is there.
package enum SpoolNotes {
    package static func rejection(file: String, issues: [ValidationIssue], at time: String) -> String {
        var text = "file: \(file)\nrejected at: \(time)\n\nproblems:\n"
        for issue in issues { text += "  \(issue.path): \(issue.expected)\n" }
        text += "\nWhat to do: correct the record in the upstream system and write it to incoming/ again.\n"
        text += "This file stays here for reference; mailbatch never deletes it.\n"
        return text
    }

    package static func paper(file: String, reason: String, at time: String) -> String {
        "file: \(file)\nrouted to paper at: \(time)\n\nreason: \(reason)\n\nThis guarantee is not delivered electronically: issue the 保証証書 on paper.\n"
    }

    package static func duplicate(file: String, contractNumber: String, at time: String) -> String {
        "file: \(file)\nseen at: \(time)\n\nContract \(contractNumber) was already issued with identical content.\nNothing was issued or sent again; no new key was made.\n"
    }
}
