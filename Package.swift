// swift-tools-version:6.1
import Foundation
import PackageDescription

/// Debian's static libhdf5 (libhdf5-dev installs it) is linked where it is
/// found: the shared library brings some thirty-five others (curl, TLS,
/// Kerberos, LDAP, for a cloud driver metasae never opens) whose loading and
/// constructors every process pays at start. Elsewhere, pkg-config's shared one.
let debianHDF5Archive = ["x86_64", "aarch64"].contains { architecture in
    FileManager.default.fileExists(atPath: "/usr/lib/\(architecture)-linux-gnu/libhdf5_serial.a")
}

let package = Package(
    name: "metasae",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "metasae-mpi", targets: ["metasae-mpi"]),
        .executable(name: "metasae", targets: ["metasae"]),
        .library(name: "HDF5", targets: ["HDF5"]),
        .library(name: "MetaSAEStore", targets: ["MetaSAEStore"]),
    ],
    traits: [
        .trait(name: "MPI", description: "Build metasae-mpi against OpenMPI (apt libopenmpi-dev); off by default."),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // C libraries, reached through pkg-config; no absolute include paths.
        .systemLibrary(
            name: "CHDF5", pkgConfig: debianHDF5Archive ? nil : "hdf5",
            providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(
            name: "CBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(
            name: "CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(
            name: "CDeflate", pkgConfig: "libdeflate",
            providers: [.apt(["libdeflate-dev"])]),
        .systemLibrary(
            name: "CMPI", pkgConfig: "ompi-c",
            providers: [.apt(["libopenmpi-dev"])]),
        // Flush-to-zero / denormals-are-zero control (an MXCSR write Swift cannot spell).
        .target(name: "CFloatEnvironment"),
        // Cache prefetch hints for the sparse kernel (another instruction Swift cannot spell),
        // and glibc's mallopt (training keeps freed memory for reuse).
        .target(name: "CMemoryHints"),
        // Loops Swift leaves scalar. In baseline x86-64 and AVX2 versions chosen at run time:
        // the diagnostics' per-row loops, the training step's sparse products and Adam's
        // update. Then the counting and compressing passes over dense rows, the training
        // step's element passes and TopK's k-th largest.
        .target(name: "CVectorKernels"),
        // The training step's second thread: spins between back-to-back pairs of work
        // instead of sleeping (C11 atomics, pthreads).
        .target(name: "CPairedWorker"),
        // The child of a supervised command dies with its parent (prctl, variadic in C).
        .target(name: "CProcessControl"),

        // Safe Swift layer over libhdf5.
        .target(
            name: "HDF5", dependencies: ["CHDF5", "CZlib", "CDeflate"],
            linkerSettings: debianHDF5Archive
                ? [.linkedLibrary(":libhdf5_serial.a"), .linkedLibrary("sz"), .linkedLibrary("z"), .linkedLibrary("dl"), .linkedLibrary("m")]
                : [.linkedLibrary("hdf5")]),
        // The canonical experiment layout as typed Swift.
        .target(name: "MetaSAEStore", dependencies: ["HDF5", "CVectorKernels"]),
        // BLAS wrappers and the seeded random generator, shared by metrics and training.
        .target(name: "LinearAlgebra", dependencies: ["CBLAS"]),
        // Streaming accumulators, decoder-chain algebra, statistics, null models.
        .target(name: "AtomicityMetrics", dependencies: ["MetaSAEStore", "LinearAlgebra", "CMemoryHints", "CVectorKernels"]),
        // MNIST input, the classifier, SAE training and the cascade writer.
        .target(
            name: "MetaSAETraining",
            dependencies: ["MetaSAEStore", "LinearAlgebra", "AtomicityMetrics", "CZlib", "CDeflate", "CFloatEnvironment", "CVectorKernels", "CMemoryHints", "CPairedWorker"]),
        // PyTorch-export layout detection and conversion to the canonical layout.
        // safetensors and .npy files, mapped and checked (no HDF5).
        .target(name: "ArrayFiles"),
        .target(name: "MetaSAEImport", dependencies: ["HDF5", "MetaSAEStore", "AtomicityMetrics", "ArrayFiles"]),
        // Tables, CSV, JSON, figures and reports of analysis results.
        .target(name: "MetaSAEReport", dependencies: ["AtomicityMetrics", "CZlib", "CDeflate"]),
        // Commands, progress output and exit codes.
        .target(
            name: "MetaSAECLI",
            dependencies: [
                "ArrayFiles", "CProcessControl",
                "HDF5", "MetaSAEStore", "LinearAlgebra", "AtomicityMetrics", "MetaSAEReport", "MetaSAETraining", "MetaSAEImport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(name: "metasae", dependencies: ["MetaSAECLI"]),
        // `mpirun -np P metasae-mpi analyze …`; links MPI only with the MPI trait.
        .executableTarget(
            name: "metasae-mpi",
            dependencies: ["MetaSAECLI", "AtomicityMetrics", .target(name: "CMPI", condition: .when(traits: ["MPI"]))]),
        // The byte-level libFuzzer target (scripts/fuzz-bytes.sh builds it with -DFUZZING).
        .executableTarget(
            name: "metasae-fuzz",
            dependencies: ["ArrayFiles", "AtomicityMetrics", "HDF5", "MetaSAEImport", "MetaSAEStore"]),
        // Benchmarks (not tests): see BENCHMARKS.md and scripts/bench-*.sh.
        .executableTarget(
            name: "metasae-bench",
            dependencies: [
                "AtomicityMetrics", "LinearAlgebra", "MetaSAEStore", "HDF5",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // Paths and scratch folders shared by the test targets.
        .target(name: "TestSupport", dependencies: ["LinearAlgebra"], path: "Tests/TestSupport"),
        .testTarget(
            name: "HDF5Tests", dependencies: ["HDF5", "CHDF5", "CZlib", "TestSupport"]),
        .testTarget(
            name: "MetaSAEStoreTests", dependencies: ["MetaSAEStore", "HDF5", "TestSupport"]),
        .testTarget(
            name: "AtomicityMetricsTests", dependencies: ["AtomicityMetrics", "CVectorKernels", "LinearAlgebra", "MetaSAEStore", "HDF5", "TestSupport"]),
        .testTarget(
            name: "MetaSAETrainingTests",
            dependencies: ["MetaSAETraining", "MetaSAEStore", "LinearAlgebra", "HDF5", "TestSupport", "CVectorKernels", "CFloatEnvironment", "CZlib"]),
        .testTarget(
            name: "MetaSAEReportTests", dependencies: ["MetaSAEReport", "AtomicityMetrics", "TestSupport"]),
        .testTarget(
            name: "MetaSAECLITests", dependencies: ["metasae", "MetaSAECLI", "MetaSAEStore", "AtomicityMetrics", "HDF5", "CHDF5", "CZlib", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
