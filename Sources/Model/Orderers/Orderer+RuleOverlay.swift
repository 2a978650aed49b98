extension Orderer.Rule {
    /// This table with the keys `other` sets over it: an operator's `["糸魚川市".contract]` that only
    /// adds `email` keeps the shipped table's department and subject.
    package func overlaid(by other: Orderer.Rule) -> Orderer.Rule {
        Orderer.Rule(
            emails: other.emails ?? emails, department: other.department ?? department, subject: other.subject ?? subject,
            submission: other.submission ?? submission, certificatePrintout: other.certificatePrintout ?? certificatePrintout,
            withAdvanceClaim: other.withAdvanceClaim ?? withAdvanceClaim, instructions: other.instructions ?? instructions,
            attachments: other.attachments ?? attachments, requiredFields: other.requiredFields ?? requiredFields,
            arrival: other.arrival ?? arrival, formURL: other.formURL ?? formURL, faxNumber: other.faxNumber ?? faxNumber)
    }
}
