// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

// Linux only: the code calls Glibc (flock, renameat2, malloc_trim) and links libcurl, pango, cairo and qpdf
// from Debian. Apple platforms are not declared because they are not supported.
let package = Package(
    name: "mailbatch",
    products: [
        .executable(name: "mailbatch", targets: ["MailBatchCLI"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        // The viewer (`mailbatch serve`): Hummingbird 2 on SwiftNIO, TLS through swift-nio-ssl. Without
        // Hummingbird's default traits (swift-configuration and full Foundation are not used).
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        // The HTTP parts Hummingbird's channel handlers see (for the viewer's request-head timeout).
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .systemLibrary(
            name: "CPangoCairo",
            pkgConfig: "pangocairo",
            providers: [.apt(["libpango1.0-dev", "libcairo2-dev", "libharfbuzz-dev"])]
        ),
        // Splits a contract's one PDF into its documents without recompressing anything.
        .systemLibrary(
            name: "CQPDF",
            pkgConfig: "libqpdf",
            providers: [.apt(["libqpdf-dev"])]
        ),
        .systemLibrary(name: "CLinux"),
        // PAdES signatures and RFC 3161 time-stamp requests: OpenSSL 3's CMS and TS, libcurl (Debian libssl-dev).
        .target(
            name: "CPAdES",
            linkerSettings: [.linkedLibrary("crypto"), .linkedLibrary("curl")]
        ),
        .target(
            name: "Templates",
            resources: [.copy("mustache")]
        ),
        .target(
            name: "OrdererData",
            resources: [.copy("orderers.toml")]
        ),
        .target(
            name: "MailBatch",
            dependencies: [
                "CCurl",
                "CLinux",
                "CPangoCairo",
                "CQPDF",
                "CPAdES",
                "Templates",
                "OrdererData",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ]
        ),
        .executableTarget(
            name: "MailBatchCLI",
            dependencies: ["MailBatch"]
        ),
        .testTarget(
            name: "MailBatchTests",
            dependencies: ["MailBatch", .product(name: "PropertyBased", package: "swift-property-based")],
            exclude: ["Fixtures"]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// libFuzzer targets, built only by scripts/fuzz (they have no main of their own).
if Context.environment["MAILBATCH_FUZZ"] == "1" {
    package.targets.append(.target(name: "CFuzzMain"))
    for name in ["FuzzRecord", "FuzzMIME", "FuzzConfig", "FuzzOrderers", "FuzzBounce"] {
        package.targets.append(.executableTarget(name: name, dependencies: ["MailBatch", "CFuzzMain"]))
        package.products.append(.executable(name: name, targets: [name]))
    }
}

// The strict settings, once for every Swift target (as swift-log's Package.swift does).
for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + strict
}
