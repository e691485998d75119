import Foundation
import AtomicityMetrics
import HDF5
import MetaSAEStore

/// What every command does before it reads a user's file: refuse at once
/// anything that is not a readable regular file (66; a pipe would stall),
/// protect it from every output the command writes (64 for an alias), and
/// probe it in an isolated child (see `IsolatedProbe`).
enum InputFile {
    static func admit(_ path: String, sharedWith exchange: any PartialStateExchange = SingleProcess()) throws {
        try File.checkInput(path)
        AtomicOutput.inputs.protect(path)
        try IsolatedProbe.check(path, sharedWith: exchange)
    }

    /// Whether `path` is a folder (after symlinks): the inputs that are
    /// folders (SAELens SAEs, experiment folders) take their own route.
    static func isFolder(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
