import CHDF5

/// The single choke point for calls into libhdf5.
///
/// Each helper takes the library lock, silences auto-printing, makes the call
/// and decides failure by its return type (a negative `hid_t`/`herr_t`/`htri_t`
/// or a NULL pointer). On failure it captures the error stack before any other
/// HDF5 call and throws an `HDF5Error`.
enum HDF5Call {
    /// Calls returning an id (`hid_t`): negative means failure.
    static func id(
        _ operation: String, file: String? = nil, object: String? = nil,
        kind: HDF5Error.Kind = .library, _ body: () -> hid_t
    ) throws -> hid_t {
        try hdf5Lock.withLock { () throws -> hid_t in
            silenceAutomaticErrorPrinting()
            let result = body()
            if result < 0 {
                throw failure(operation, file: file, object: object, kind: kind)
            }
            return result
        }
    }

    /// Calls returning a status (`herr_t`): negative means failure.
    static func status(
        _ operation: String, file: String? = nil, object: String? = nil,
        kind: HDF5Error.Kind = .library, _ body: () -> herr_t
    ) throws {
        try hdf5Lock.withLock { () throws in
            silenceAutomaticErrorPrinting()
            if body() < 0 {
                throw failure(operation, file: file, object: object, kind: kind)
            }
        }
    }

    /// Calls returning a tri-state (`htri_t`): negative failure, else Bool.
    static func truth(
        _ operation: String, file: String? = nil, object: String? = nil,
        kind: HDF5Error.Kind = .library, _ body: () -> htri_t
    ) throws -> Bool {
        try hdf5Lock.withLock { () throws -> Bool in
            silenceAutomaticErrorPrinting()
            let result = body()
            if result < 0 {
                throw failure(operation, file: file, object: object, kind: kind)
            }
            return result > 0
        }
    }

    /// Calls returning a size or count where a negative value means failure.
    static func count<T: BinaryInteger>(
        _ operation: String, file: String? = nil, object: String? = nil,
        kind: HDF5Error.Kind = .library, _ body: () -> T
    ) throws -> T {
        try hdf5Lock.withLock { () throws -> T in
            silenceAutomaticErrorPrinting()
            let result = body()
            if result < 0 {
                throw failure(operation, file: file, object: object, kind: kind)
            }
            return result
        }
    }

    /// Runs a block of raw calls under the lock, for sequences whose own
    /// results are checked by the caller (for example queries that return 0
    /// for "unknown").
    static func locked<R>(_ body: () throws -> R) rethrows -> R {
        try hdf5Lock.withLock {
            silenceAutomaticErrorPrinting()
            return try body()
        }
    }

    private static func failure(
        _ operation: String, file: String?, object: String?, kind: HDF5Error.Kind
    ) -> HDF5Error {
        let stack = captureErrorStack()
        var resolvedKind = kind
        if stack.lines.contains(where: { $0.lowercased().contains("unable to lock file") }) {
            resolvedKind = .locked
        } else if kind == .library, let bottom = stack.lines.last {
            resolvedKind = KnownMessage.entry(for: bottom)?.kind ?? .library
        }
        return HDF5Error(
            resolvedKind, operation: operation, file: file, object: object,
            topMessage: stack.lines.first, bottomMessage: stack.lines.last)
    }
}
