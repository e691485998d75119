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
}
