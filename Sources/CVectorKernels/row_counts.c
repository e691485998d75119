// Counting passes over dense Float32 rows (firing counts, the non-finite
// scan, non-zeros before compression). In Swift their branches stay
// scalar; here they are branch-free sums that the compiler vectorizes.
#include <math.h>
#include <string.h>
#include "vector_kernels.h"

int64_t metasae_count_active(const float *values, int64_t rows, int64_t width, float threshold, uint32_t *counts) {
    int64_t total = 0;
    for (int64_t row = 0; row < rows; row++) {
        const float *base = values + row * width;
        uint32_t fired = 0;
        for (int64_t column = 0; column < width; column++) {
            const uint32_t fires = fabsf(base[column]) > threshold;
            counts[column] += fires;
            fired += fires;
        }
        total += fired;
    }
    return total;
}

int64_t metasae_count_nonfinite(const float *values, int64_t n) {
    int64_t total = 0;
    uint32_t bad = 0;
    for (int64_t index = 0; index < n; index++) {
        uint32_t bits;
        memcpy(&bits, values + index, sizeof bits);
        // Infinity or NaN: every exponent bit set.
        bad += (bits & 0x7f800000u) == 0x7f800000u;
        if ((index & 0xffffff) == 0xffffff) { total += bad; bad = 0; }
    }
    return total + bad;
}

int64_t metasae_count_nonzero(const float *values, int64_t n) {
    int64_t total = 0;
    uint32_t kept = 0;
    for (int64_t index = 0; index < n; index++) {
        kept += values[index] != 0.0f;  // NaN != 0 holds, as in Swift
        if ((index & 0xffffff) == 0xffffff) { total += kept; kept = 0; }
    }
    return total + kept;
}
