import Foundation

/// The MNIST train and test sets, checked for consistency.
public struct MNIST: Sendable {
    public struct Split: Sendable {
        /// [count × 784] pixels, 0…255.
        public var pixels: [UInt8]
        public var labels: [UInt8]
        public var count: Int { labels.count }
        public static let pixelCount = 784
    }

    public var train: Split
    public var test: Split

    /// The folder bundled with the repository, relative to its root.
    public static let bundledFolder = "data/mnist"

    /// Whether `folder` holds the four files, gzipped or raw.
    public static func isComplete(_ folder: String) -> Bool {
        files.allSatisfy { name in
            [name + ".gz", name].contains { FileManager.default.fileExists(atPath: (folder as NSString).appendingPathComponent($0)) }
        }
    }

    static let files = [
        "train-images-idx3-ubyte", "train-labels-idx1-ubyte",
        "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte",
    ]

    /// Loads the four standard files from `folder`, gzipped (`.gz`) or raw.
    public init(folder: String) throws {
        func locate(_ name: String) throws -> String {
            for candidate in ["\(name).gz", name] {
                let path = (folder as NSString).appendingPathComponent(candidate)
                if FileManager.default.fileExists(atPath: path) { return path }
            }
            throw IDXFile.Failure.unreadable(path: (folder as NSString).appendingPathComponent(name + "[.gz]"),
                                             "no such file (point --mnist at a folder with the four MNIST IDX files)")
        }
        train = try Self.split(images: try locate(Self.files[0]), labels: try locate(Self.files[1]))
        test = try Self.split(images: try locate(Self.files[2]), labels: try locate(Self.files[3]))
    }

    static func split(images: String, labels: String) throws -> Split {
        let imageFile = try IDXFile(path: images, expectedRank: 3)
        let labelFile = try IDXFile(path: labels, expectedRank: 1)
        guard imageFile.dimensions[1] == 28, imageFile.dimensions[2] == 28 else {
            throw IDXFile.Failure.badHeader(path: images, "images are \(imageFile.dimensions[1])×\(imageFile.dimensions[2]), expected 28×28")
        }
        guard imageFile.dimensions[0] == labelFile.dimensions[0] else {
            throw IDXFile.Failure.badHeader(path: labels, "\(labelFile.dimensions[0]) labels for \(imageFile.dimensions[0]) images")
        }
        if let bad = labelFile.bytes.first(where: { $0 > 9 }) {
            throw IDXFile.Failure.badHeader(path: labels, "label \(bad) is outside 0–9")
        }
        return Split(pixels: imageFile.bytes, labels: labelFile.bytes)
    }

    /// Pixels scaled to [0, 1] and standardised with MNIST's usual mean and
    /// std (0.1307, 0.3081), as torchvision's tutorial transform does.
    public static func normalized(_ pixels: ArraySlice<UInt8>) -> [Float] {
        [Float](unsafeUninitializedCapacity: pixels.count) { out, initialized in
            pixels.withUnsafeBufferPointer { pixels in
                for index in pixels.indices { out[index] = normalizedValues[Int(pixels[index])] }
            }
            initialized = pixels.count
        }
    }

    /// `normalized` of each of the 256 pixel values, looked up instead of
    /// computed for each of the 47 million pixels.
    static let normalizedValues: [Float] = (0...255).map { (Float($0) / 255 - 0.1307) / 0.3081 }
}
