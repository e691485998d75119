import Foundation

/// Folders the commands write into, created on demand; a clear
/// "cannot write" failure (exit 73) when that is impossible.
enum OutputFolder {
    /// Creates `path` (and its parents) unless it is already a folder.
    @discardableResult
    static func prepare(_ path: String) throws -> String {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw CommandFailure(status: .cannotWrite, description: "cannot write results to \(path): it is a file, not a folder")
            }
            return path
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw CommandFailure(status: .cannotWrite, description: "cannot create folder \(path): \(error.localizedDescription)")
        }
        return path
    }

    /// Creates the folder that will hold the file at `path`.
    static func prepareParent(of path: String) throws {
        try prepare(URL(fileURLWithPath: path).deletingLastPathComponent().path)
    }
}
