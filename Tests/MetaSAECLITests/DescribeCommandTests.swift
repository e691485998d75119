import Foundation
import Testing
import TestSupport

/// `metasae describe --json` against what h5py reported for the same files.
@Suite struct DescribeCommandTests {
    struct Report: Decodable {
        struct Object: Decodable {
            struct Layout: Decodable {
                struct Filter: Decodable { var id: Int; var parameters: [UInt32] }
                var chunkDims: [Int]?
                var filters: [Filter]
            }
            var path: String
            var kind: String
            var shape: [Int]?
            var maxShape: [Int?]?
            var dtype: String?
            var layout: Layout?
            var target: String?
        }
        struct Canonical: Decodable {
            struct Depth: Decodable { var depth: Int; var width: Int?; var chainConsistent: Bool }
            var conforms: Bool
            var exampleCount: Int?
            var depths: [Depth]
        }
        var objects: [Object]
        var canonical: Canonical?
    }

    @Test(arguments: ["types.h5", "storage.h5", "names.h5"])
    func jsonAgreesWithH5py(file: String) throws {
        let folder = CLI.repository.appendingPathComponent("Tests/Fixtures/h5py")
        let run = try CLI.run(["describe", "--json", folder.appendingPathComponent(file).path])
        #expect(run.status == 0, "\(run.stderr)")
        let report = try JSONDecoder().decode(Report.self, from: Data(run.stdout.utf8))
        let facts = try #require(H5pyFile.all[file]).datasets
        for (path, fact) in facts {
            // h5py follows soft links; describe lists them as links instead.
            if path == "/link_to_data" {
                #expect(report.objects.first { $0.path == path }?.target == "/a/b/c/data")
                continue
            }
            let object = try #require(report.objects.first { $0.path == path }, "\(path) missing")
            #expect(object.kind == "dataset")
            #expect(object.shape == fact.shape, "\(path)")
            #expect(object.maxShape == fact.maxshape, "\(path)")
            #expect(object.dtype == fact.dtype, "\(path)")
            #expect(object.layout?.chunkDims == fact.chunks, "\(path)")
            let gzip = object.layout?.filters.first { $0.id == 1 }
            #expect((gzip != nil) == (fact.compression == "gzip"), "\(path)")
            if let level = fact.compression_opts { #expect(gzip?.parameters.first == UInt32(level)) }
            #expect((object.layout?.filters.contains { $0.id == 2 } ?? false) == fact.shuffle, "\(path)")
        }
    }

    @Test func textShowsTypesFiltersAndAttributes() throws {
        let path = CLI.repository.appendingPathComponent("Tests/Fixtures/h5py/storage.h5").path
        let run = try CLI.run(["describe", path])
        #expect(run.status == 0)
        #expect(run.stdout.contains("/gzip_shuffle  float32 [<f4]  (1000, 24)  chunks (100, 24)  shuffle, gzip(4)"))
        #expect(run.stdout.contains("/extendable  float32 [<f4]  (130, 12) max (∞, 12)"))
        let types = try CLI.run(["describe", CLI.repository.appendingPathComponent("Tests/Fixtures/h5py/types.h5").path])
        #expect(types.stdout.contains("/f2_be  float16 big-endian [>f2]  (7, 3)"))
    }

    @Test func canonicalFileGetsASummaryFirst() throws {
        let run = try CLI.run(["describe", "--json", CLI.repository.appendingPathComponent("examples/fixture-canonical.h5").path])
        #expect(run.status == 0, "\(run.stderr)")
        let report = try JSONDecoder().decode(Report.self, from: Data(run.stdout.utf8))
        let canonical = try #require(report.canonical)
        #expect(canonical.conforms)
        #expect(canonical.exampleCount == 2000)
        #expect(canonical.depths.map(\.width) == [64, 128, 128, 128, 128, 128])
        #expect(canonical.depths.allSatisfy { $0.chainConsistent })
        let text = try CLI.run(["describe", CLI.repository.appendingPathComponent("examples/fixture-canonical.h5").path])
        #expect(text.stdout.contains("canonical layout v1: conforms"))
        #expect(text.stdout.contains("examples: 2000"))
    }

    @Test func realPyTorchExportDescribes() throws {
        let run = try CLI.run(["describe", "--json", Self.sharedFixture.path])
        #expect(run.status == 0, "\(run.stderr)")
        let report = try JSONDecoder().decode(Report.self, from: Data(run.stdout.utf8))
        #expect(report.canonical == nil)
        let shapes = Dictionary(uniqueKeysWithValues: report.objects.compactMap { o in o.shape.map { (o.path, $0) } })
        #expect(shapes["/activations/depth_0"] == [2000, 64])
        for depth in 1...5 {
            #expect(shapes["/activations/depth_\(depth)"] == [2000, 128])
            #expect(shapes["/sae_\(depth)/encoder.weight"] == [128, depth == 1 ? 64 : 128])
            #expect(shapes["/sae_\(depth)/decoder.weight"] == [depth == 1 ? 64 : 128, 128])
        }
        #expect(shapes["/labels"] == [2000])
        #expect(report.objects.first { $0.path == "/activations/depth_0" }?.layout?.chunkDims == [250, 16])
    }

    /// The real PyTorch export committed with the tests.
    static let sharedFixture = CLI.repository.appendingPathComponent("Tests/Fixtures/torch-statedict-small.h5")
}
