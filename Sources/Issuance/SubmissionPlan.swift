package import Model
import Support

/// Who receives what and who must do what next, for one version of one contract and the route its
/// orderer takes: the one decision every mail and document renders. Templates hold wording only; a
/// sentence about who submits, what the orderer already has or whether a 前払金請求書 is due is
/// printed from a flag of this plan, never decided in a template, so two mails cannot disagree.
package struct SubmissionPlan {
    /// Which version the mails and documents are for.
    package enum Version: Equatable {
        /// The first issue.
        case original
        /// A change (変更第N号): its additional premium, and whether it raises the guaranteed advance.
        case change(number: Int, premium: Int64, raisesAdvance: Bool)
        /// A new key for the current version: nothing else changes, nothing new is due.
        case keyReissue
        /// 解約: no key, no documents.
        case cancellation
    }

    package let guide: SubmissionGuide
    package let version: Version
    /// The contractor's mail also carries earlier versions' premium papers, whose own mail was
    /// withdrawn unsent (`SendPermission`, `EarlierPapers`).
    package var carriesEarlierPapers = false

    package var orderer: Orderer { guide.orderer }
    package var route: SubmissionGuide.Route { guide.route }

    /// mailbatch mails the orderer itself (the contractor in Cc).
    package var mailsOrderer: Bool { guide.mailsOrderer }

    /// The documents the orderer's own mail carries: none when it takes no attachment.
    package var ordererDocuments: [DocumentKind] {
        guard mailsOrderer, version != .cancellation, orderer.attachments == .pdf else { return [] }
        return guide.submitsPrintout ? [.keyNotice, .certificate] : [.keyNotice]
    }

    /// The orderer's mail carries the certificate data (JSON) with the PDFs.
    package var ordererGetsData: Bool { !ordererDocuments.isEmpty }

    /// The orderer is mailed, but with the key in the text and nothing attached.
    package var ordererMailedWithoutAttachments: Bool { mailsOrderer && version != .cancellation && orderer.attachments == .none }

    /// The contractor hands the key notice (and the print-out) to the orderer itself: by e-mail of
    /// its own, in person, by fax or by a form. Never when mailbatch mailed the orderer.
    package var contractorSubmits: Bool { !mailsOrderer && version != .cancellation }

    /// A 前払金請求書 goes with the key notice: for an orderer that asks for it, on an advance-payment
    /// guarantee, and only when an advance is claimed — the original, or a change that raises it.
    package var advanceClaimDue: Bool {
        guard guide.withAdvanceClaim else { return false }
        switch version {
        case .original: return true
        case .change(_, _, let raisesAdvance): return raisesAdvance
        case .keyReissue, .cancellation: return false
        }
    }

    /// The change's additional premium, 0 when it has none; nil for anything but a change.
    package var additionalPremium: Int64? {
        if case .change(_, let premium, _) = version { return premium }
        return nil
    }

    /// The contractor asks the orderer how to submit before doing so (its route is not known).
    package var contractorAsksOrdererFirst: Bool { contractorSubmits && route == .unknown }

    /// The flags and values templates print from; the route's own values come from the guide.
    package var context: [String: Any] {
        var values = guide.context
        values["advance_claim"] = advanceClaimDue
        values["contractor_submits"] = contractorSubmits
        values["orderer_mailed"] = mailsOrderer
        values["orderer_has_documents"] = !ordererDocuments.isEmpty
        values["orderer_without_attachments"] = ordererMailedWithoutAttachments
        values["asks_orderer_first"] = contractorAsksOrdererFirst
        values["carries_earlier_papers"] = carriesEarlierPapers
        if let premium = additionalPremium {
            if premium > 0 {
                values["additional_premium"] = JapaneseFormat.yen(premium)
            } else {
                values["no_additional_premium"] = true
            }
        }
        return values
    }

    /// What document templates see of the plan: its flags only (no free text to escape).
    package var documentFlags: [String: Any] { context.filter { $0.value is Bool } }

    package init(guide: SubmissionGuide, version: Version, carriesEarlierPapers: Bool = false) {
        self.guide = guide
        self.version = version
        self.carriesEarlierPapers = carriesEarlierPapers
    }
}

extension SubmissionPlan.Version {
    /// The version a build makes: a change compares its guarantee with the version it follows.
    package static func of(_ record: ContractRecord, change: IssueBuilder.Change?, reissue: Bool) -> Self {
        if reissue { return .keyReissue }
        guard let amendment = record.amendment, let change else { return .original }
        return .change(
            number: amendment.number, premium: amendment.premium,
            raisesAdvance: record.guarantee.amount > change.previous.guarantee.amount)
    }
}
