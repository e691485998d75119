// SwiftPM needs one source file per C target; the hint itself is inline in the header.
#include "memory_hints.h"
