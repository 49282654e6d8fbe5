// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "qblink",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "qblink", targets: ["qblink"]),
        .executable(name: "settlement-bench", targets: ["SettlementBench"]),
        .executable(name: "qblink-fuzz", targets: ["QBLinkFuzz"]),
        .executable(name: "qblink-load", targets: ["LoadBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/vapor/multipart-kit.git", from: "4.7.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        // Pure layers: no I/O.
        .target(name: "QBModel"),
        .target(name: "XMLKit", dependencies: ["CLibXML2"]),
        .target(name: "QBXML", dependencies: ["QBModel", "XMLKit"]),
        .target(name: "Settlement", dependencies: ["QBModel", "QBXML"]),
        .target(name: "SalesDocument", dependencies: ["QBModel", "QBXML"]),

        // The only owner of the database.
        .target(name: "Store", dependencies: [
            "COpenSSL", "QBModel",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        // Enqueueing: settlements, documents and request files become plans and go into the Store whole.
        .target(name: "Posting", dependencies: ["QBModel", "XMLKit", "QBXML", "Settlement", "SalesDocument", "Store"]),

        // SOAP 1.1 envelopes of the Web Connector methods, the WSDL and .qwc documents (pure).
        .target(name: "SOAP", dependencies: ["XMLKit"]),

        // Amazon's Selling Partner API: listing and downloading settlement reports (AsyncHTTPClient), and decoding them.
        .target(name: "Amazon", dependencies: [
            "CZlib",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),

        // Fetching settlement reports on a schedule and posting the ones that reconcile.
        .target(name: "AmazonSync", dependencies: ["Amazon", "Store", "Posting", "Settlement", "QBModel"]),

        // The session service over the Store.
        .target(name: "WebConnector", dependencies: [
            "COpenSSL", "QBModel", "XMLKit", "QBXML", "SOAP", "Store",
            .product(name: "Logging", package: "swift-log"),
        ]),

        // The web console: server-rendered pages over the Store, behind its own sign-in.
        .target(name: "Console", dependencies: [
            "COpenSSL", "Store", "WebConnector", "SOAP", "QBXML", "XMLKit", "QBModel", "Settlement", "Posting", "Amazon", "AmazonSync",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "MultipartKit", package: "multipart-kit"),
        ]),

        // HTTP wiring only.
        .target(name: "QBLinkServer", dependencies: [
            "SOAP", "Store", "WebConnector", "Console",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "HummingbirdTLS", package: "hummingbird"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
        ]),

        .executableTarget(name: "qblink", dependencies: [
            "QBLinkServer", "WebConnector", "QBModel", "QBXML", "SOAP", "Store", "Settlement", "Posting", "SalesDocument", "Amazon", "AmazonSync",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Yams", package: "Yams"),
        ]),

        // Test helpers shared by the test targets: a fake QuickBooks, a Web Connector client, a test server.
        .target(name: "QBLinkTestSupport", dependencies: [
            "QBModel", "XMLKit", "QBXML", "SOAP", "Store", "WebConnector", "QBLinkServer", "Posting", "Settlement", "SalesDocument",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
        ], path: "Tests/QBLinkTestSupport"),

        // What qblink reads from outside, as fuzz targets (pure), and the executable libFuzzer runs them in.
        .target(name: "FuzzTargets", dependencies: ["QBModel", "QBXML", "SalesDocument", "Settlement", "SOAP"]),
        .executableTarget(name: "QBLinkFuzz", dependencies: ["FuzzTargets"]),

        // Benchmark (not a test): parse and summarise a synthetic 1,000,000-row settlement report.
        .executableTarget(name: "SettlementBench", dependencies: ["Settlement"]),

        // Benchmark (not a test): simulated Web Connectors against a real qblink, and the same HTTP stack's echo.
        .executableTarget(name: "LoadBench", dependencies: [
            "SOAP", "Store", "WebConnector",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Hummingbird", package: "hummingbird"),
        ]),

        .testTarget(name: "FaultSweepTests", dependencies: [
            "Posting", "QBModel", "QBXML", "SalesDocument", "Settlement", "Store", "XMLKit", "QBLinkTestSupport",
        ]),
        .testTarget(name: "FuzzTargetTests", dependencies: ["FuzzTargets", "QBLinkTestSupport"]),
        .testTarget(name: "XMLKitTests", dependencies: ["XMLKit", "QBLinkTestSupport"]),
        .testTarget(name: "QBXMLTests", dependencies: ["QBXML", "XMLKit", "QBLinkTestSupport"]),
        .testTarget(name: "StoreTests", dependencies: ["Store", "QBModel", "QBXML"]),
        .testTarget(name: "PostingTests", dependencies: ["Posting", "Store", "QBModel", "QBXML", "Settlement", "SalesDocument", "QBLinkTestSupport"]),
        .testTarget(name: "SalesDocumentTests", dependencies: ["SalesDocument", "QBModel", "QBXML", "XMLKit", "Settlement", "QBLinkTestSupport"]),
        .testTarget(name: "SettlementTests", dependencies: ["Settlement", "QBModel", "QBXML", "XMLKit", "QBLinkTestSupport"]),
        .testTarget(name: "WebConnectorTests", dependencies: ["SOAP", "WebConnector", "QBXML", "Store", "XMLKit", "QBLinkTestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["Store", "XMLKit", "QBLinkTestSupport"]),
        .testTarget(name: "QBLinkServerTests", dependencies: [
            "QBLinkServer", "Amazon", "AmazonSync", "SOAP", "WebConnector", "QBModel", "QBXML", "Store", "XMLKit", "QBLinkTestSupport", "Posting", "Settlement", "SalesDocument",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
        ]),
    ]
)
