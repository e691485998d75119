import Foundation
import Testing
import TestSupport
@testable import HDF5

/// libhdf5's file lock belongs to the open descriptor: a child process
/// that inherited it would keep the file locked after this process closed
/// it. Every descriptor naming a file this process made or opened is
/// close-on-exec, read back through /proc and fcntl.
@Suite struct CloseOnExecTests {
    static func descriptors(naming path: String) -> [Int32] {
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return names.compactMap(Int32.init).filter { descriptor in
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(descriptor)")) == target
        }
    }

    @Test func createdAndOpenedFilesAreCloseOnExec() throws {
        let folder = try TestSupport.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("locked.h5").path
        let created = try File.create(path)
        let whileWriting = Self.descriptors(naming: path)
        #expect(!whileWriting.isEmpty)
        for descriptor in whileWriting { #expect(fcntl(descriptor, F_GETFD) & FD_CLOEXEC != 0, "descriptor \(descriptor)") }
        created.close()
        let opened = try File.open(path)
        let whileReading = Self.descriptors(naming: path)
        #expect(!whileReading.isEmpty)
        for descriptor in whileReading { #expect(fcntl(descriptor, F_GETFD) & FD_CLOEXEC != 0, "descriptor \(descriptor)") }
        opened.close()
    }

    /// What a child started through `startingChildProcess` would inherit:
    /// while another thread creates and reopens files without pause, no
    /// descriptor of theirs is ever seen before its close-on-exec mark.
    @Test func aChildStartedMeanwhileInheritsNoFile() throws {
        let folder = try TestSupport.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        final class Stop: @unchecked Sendable { var now = false }
        let stop = Stop()
        let writer = Thread {
            var index = 0
            while !stop.now {
                let path = folder.appendingPathComponent("churn-\(index % 8).h5").path
                if let file = try? File.create(path, mode: .truncate) { file.close() }
                if let file = try? File.open(path) { file.close() }
                index += 1
            }
        }
        writer.start()
        defer { stop.now = true }
        var unmarked: [String] = []
        for _ in 0..<400 where unmarked.isEmpty {
            File.startingChildProcess {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
                for descriptor in names.compactMap(Int32.init) {
                    guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(descriptor)"),
                          target.contains("churn-") else { continue }
                    if fcntl(descriptor, F_GETFD) & FD_CLOEXEC == 0 { unmarked.append(target) }
                }
            }
        }
        #expect(unmarked.isEmpty, "inheritable: \(unmarked)")
    }
}
