// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

// Linux only: the code calls Glibc (flock, renameat2, malloc_trim) and links libcurl, pango, cairo and qpdf
// from Debian. Apple platforms are not declared because they are not supported.
// Library targets along the flow; each may use only those it lists (and what they use), so a
// backwards use does not build. Declarations are `package`; `public` is only the executable's entry.
//   Support    -> (C shims and packages only)
//   Documents  -> Support
//   Model      -> Support
//   MIME       -> Model
//   Store      -> Model
//   Config     -> Store, MIME
//   Issuance   -> Config, Documents
//   Transport  -> Config
//   Operations -> Issuance, Transport
//   Run        -> Operations
//   WebSupport -> Config (what the two web surfaces share: form tokens, connection limits, headers)
//   Viewer     -> WebSupport
//   Desk       -> WebSupport, Operations (the branch desk: reads and acts through Operations, never Issuance)
//   Commands   -> Run, Viewer, Desk
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
        // Adds the signature field to a document that is signed (PAdES) without recompressing anything.
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
            name: "Support",
            dependencies: [
                "CLinux",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "Documents",
            dependencies: [
                "Support",
                "CLinux",
                "CPangoCairo",
            ]
        ),
        .target(
            name: "Model",
            dependencies: [
                "Support",
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Crypto", package: "swift-crypto"),
                "OrdererData",
            ]
        ),
        .target(
            name: "MIME",
            dependencies: [
                "Model"
            ]
        ),
        .target(
            name: "Store",
            dependencies: [
                "Model"
            ]
        ),
        .target(
            name: "Config",
            dependencies: [
                "Store",
                "MIME",
            ]
        ),
        .target(
            name: "Issuance",
            dependencies: [
                "Config",
                "Documents",
                "CPAdES",
                "CQPDF",
                .product(name: "Mustache", package: "swift-mustache"),
                "Templates",
            ]
        ),
        .target(
            name: "Transport",
            dependencies: [
                "Config",
                "CCurl",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "Operations",
            dependencies: [
                "Issuance",
                "Transport",
                "CPangoCairo",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "Run",
            dependencies: [
                "Operations",
                "CLinux",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "WebSupport",
            dependencies: [
                "Config",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .target(
            name: "Viewer",
            dependencies: [
                "Config",
                "WebSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .target(
            name: "Desk",
            dependencies: [
                "Operations",
                "Store",
                "Config",
                "WebSupport",
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .target(
            name: "Commands",
            dependencies: [
                "Run",
                "Viewer",
                "Desk",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "MailBatchCLI",
            dependencies: ["Commands"]
        ),
        .testTarget(
            name: "MailBatchTests",
            dependencies: [
                "Support", "Documents", "Model", "MIME", "Store", "Config", "Issuance", "Transport", "Operations", "Run", "WebSupport", "Viewer", "Desk",
                "Commands",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            exclude: ["Fixtures"]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// libFuzzer targets, built only by scripts/fuzz (they have no main of their own).
if Context.environment["MAILBATCH_FUZZ"] == "1" {
    package.targets.append(.target(name: "CFuzzMain"))
    for (name, layers) in [
        "FuzzBounce": ["Support", "Model", "Transport"], "FuzzConfig": ["Support", "Config"], "FuzzMIME": ["Support", "MIME"],
        "FuzzOrderers": ["Support", "Model", "Config", "Viewer"], "FuzzRecord": ["Support", "Model"],
    ] {
        package.targets.append(.executableTarget(name: name, dependencies: layers.map { .target(name: $0) } + ["CFuzzMain"]))
        package.products.append(.executable(name: name, targets: [name]))
    }
}

// The strict settings, once for every Swift target (as swift-log's Package.swift does).
for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + strict
}
