import CHDF5

/// Messages collected from one HDF5 error stack, outermost first.
struct ErrorStackMessages {
    var lines: [String] = []
}

/// Turns off HDF5's automatic printing of error stacks for this thread.
///
/// Auto-printing is per thread in the thread-safe build, so every call path
/// does this before calling into the library; it is cheap.
@inline(__always)
func silenceAutomaticErrorPrinting() {
    H5Eset_auto2(chdf5_E_DEFAULT(), nil, nil)
}

/// Takes the current thread's error stack out of the library and walks it.
///
/// This must be the first HDF5 call after the failing one, or the stack is
/// lost. The copy is always closed.
func captureErrorStack() -> ErrorStackMessages {
    let stack = H5Eget_current_stack()
    guard stack >= 0 else { return ErrorStackMessages() }
    defer { H5Eclose_stack(stack) }
    var collected = ErrorStackMessages()
    withUnsafeMutablePointer(to: &collected) { pointer in
        _ = H5Ewalk2(stack, H5E_WALK_DOWNWARD, { _, entry, clientData in
            guard let entry, let clientData else { return 0 }
            let sink = clientData.assumingMemoryBound(to: ErrorStackMessages.self)
            let function = entry.pointee.func_name.map { String(cString: $0) } ?? "?"
            let description = entry.pointee.desc.map { String(cString: $0) } ?? ""
            var minor = ""
            if let text = H5Eget_minor(entry.pointee.min_num) {
                minor = String(cString: text)
                H5free_memory(text)
            }
            var line = "\(function): \(description)"
            if !minor.isEmpty, !description.lowercased().contains(minor.lowercased()) {
                line += " [\(minor)]"
            }
            sink.pointee.lines.append(line)
            return 0
        }, pointer)
    }
    return collected
}
