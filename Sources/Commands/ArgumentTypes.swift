import ArgumentParser
import Model
import Operations
import Support

// The options with a fixed set of values, parsed (and listed in --help and completions) by
// ArgumentParser instead of strings checked by hand.
extension Requeue.Target: ExpressibleByArgument {}
extension ContractRecord.Category: ExpressibleByArgument {}
extension ContractRecord.GuaranteeType: ExpressibleByArgument {}

extension CivilDate: ExpressibleByArgument {
    public init?(argument: String) { self.init(iso: argument) }
}
extension LineLogHandler.Format: ExpressibleByArgument {}
