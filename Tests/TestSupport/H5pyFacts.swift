import Foundation

/// What h5py reported about the files of Tests/Fixtures/h5py
/// (expected.json, written by make_h5py_fixtures.py): the independent truth
/// for the HDF5 layer and for `describe --json`.
public struct H5pyFile: Decodable, Sendable {
    public struct Dataset: Decodable, Sendable {
        public var shape: [Int]
        public var maxshape: [Int?]
        /// NumPy's `dtype.str`, e.g. `<f2`.
        public var dtype: String
        public var chunks: [Int]?
        public var compression: String?
        public var compression_opts: Int?
        public var shuffle: Bool
        /// All values (small datasets), or a checksum and both ends (large).
        public var values: [Double]?
        public var sum: Double?
        public var first: [Double]?
        public var last: [Double]?
    }
    public var datasets: [String: Dataset]

    public static let folder = TestSupport.fixtures.appendingPathComponent("h5py")

    /// expected.json, by file name.
    public static let all: [String: H5pyFile] = {
        let data = try! Data(contentsOf: folder.appendingPathComponent("expected.json"))
        return try! JSONDecoder().decode([String: H5pyFile].self, from: data)
    }()
}
