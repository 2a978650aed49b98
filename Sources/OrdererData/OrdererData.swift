/// The orderer directory shipped with mailbatch (`orderers.toml`), a data file rather than code.
/// Found by `DataFiles` (next to the binary, or `share/mailbatch/orderers.toml`), never by `Bundle.module`.
public enum ShippedOrdererDirectory {
    public static let resourceFile = "mailbatch_OrdererData.resources/orderers.toml"
}
