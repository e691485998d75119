import Foundation
import Testing
import TestSupport
@testable import HDF5

/// Files written by h5py (Tests/Fixtures/make_h5py_fixtures.py) read back
/// exactly as h5py reported them in expected.json.
@Suite struct H5pyInteropTests {
    static let expected = H5pyFile.all

    static let cases: [(String, String)] = expected.flatMap { file, facts in facts.datasets.keys.map { (file, $0) } }.sorted { "\($0)" < "\($1)" }

    @Test(arguments: cases)
    func datasetMatchesH5py(file: String, path: String) throws {
        let facts = try #require(Self.expected[file]?.datasets[path])
        let handle = try File.open(TestPaths.h5pyFixtures.appendingPathComponent(file).path)
        let dataset = try handle.root.dataset(path)
        let shape = try dataset.shape
        #expect(shape.dims == facts.shape)
        #expect(shape.maxDims == facts.maxshape)
        #expect(try dataset.datatype.numpyCode == facts.dtype)
        let layout = try dataset.storageLayout
        #expect(layout.chunkDims == facts.chunks)
        let gzip = layout.filters.first { $0.id == 1 }
        #expect((gzip != nil) == (facts.compression == "gzip"))
        if let level = facts.compression_opts { #expect(gzip?.parameters.first == UInt32(level)) }
        #expect(layout.filters.contains { $0.id == 2 } == facts.shuffle)

        let values = try dataset.readAll(as: Double.self)
        if let expectedValues = facts.values {
            #expect(values == expectedValues)
        }
        if let sum = facts.sum { #expect(values.reduce(0, +) == sum) }
        if let first = facts.first { #expect(Array(values.prefix(first.count)) == first) }
        if let last = facts.last { #expect(Array(values.suffix(last.count)) == last) }
    }

    @Test func float16ReadsIntoFloat16AndFloat() throws {
        let file = try File.open(TestPaths.h5pyFixtures.appendingPathComponent("types.h5").path)
        let expected = try #require(Self.expected["types.h5"]?.datasets["/f2_be"]?.values)
        for name in ["f2_le", "f2_be"] {
            let dataset = try file.root.dataset(name)
            #expect(try dataset.readAll(as: Float16.self).map(Double.init) == expected)
            #expect(try dataset.readAll(as: Float.self).map(Double.init) == expected)
        }
    }

    @Test func attributesMatchH5py() throws {
        let file = try File.open(TestPaths.h5pyFixtures.appendingPathComponent("names.h5").path)
        let root = try file.root
        #expect(try root.attribute("title") == .string("h5py fixture: names and attributes"))
        #expect(try root.attribute("unicode_note") == .string("ρ ≥ 0.9 — naïve"))
        #expect(try root.attribute("fixed_bytes") == .string("fixed-ascii"))
        #expect(try root.attribute("count") == .integer(42))
        #expect(try root.attribute("ratio") == .double(0.125))
        #expect(try root.attribute("shape_hint") == .integers([3, 4]))
        #expect(try root.attribute("weights") == .doubles([0.5, 1.5, -2.0]))
        #expect(try root.attribute("flag") == .integer(1))
        #expect(try root.attribute("small_uint") == .integer(7))
        #expect(try root.dataset("sae_1/encoder.weight").attribute("units") == .string("activations"))
    }

    @Test func linksAreListedNotFollowed() throws {
        let file = try File.open(TestPaths.h5pyFixtures.appendingPathComponent("names.h5").path)
        let root = try file.root
        #expect(try root.entry(named: "link_to_data").kind == .softLink(target: "/a/b/c/data"))
        #expect(try root.entry(named: "dangling").kind == .softLink(target: "/nowhere"))
        #expect(try root.entry(named: "external").kind == .externalLink(file: "missing_other.h5", path: "/x"))
        #expect(try root.entry(named: "encoder.weight").kind == .dataset)
        #expect(try root.entry(named: "sae_1").kind == .group)
        let error = #expect(throws: HDF5Error.self) { try root.dataset("external") }
        #expect(error?.kind == .unsupported)
        // Dotted names are names, not paths.
        #expect(try root.dataset("sae_1/decoder.bias").shape.dims == [4])
    }
}
