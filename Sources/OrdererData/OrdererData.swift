public import Foundation

/// The orderer directory shipped with mailbatch (`orderers.toml`), a data file rather than code.
public enum ShippedOrdererDirectory {
    public static var file: URL? {
        Bundle.module.url(forResource: "orderers", withExtension: "toml")
    }
}
