// Element passes of the SAE training step that Swift leaves scalar (its
// strided stores keep their bounds checks; its branchy scans do not
// vectorize): here they are cache-blocked or branch-free.
#include "vector_kernels.h"

void metasae_transpose(const float *restrict in, int64_t rows, int64_t columns, float *restrict out) {
    // Tiles small enough that a tile's rows of `in` and of `out` both stay in L1.
    enum { TILE = 16 };
    for (int64_t row0 = 0; row0 < rows; row0 += TILE) {
        const int64_t row1 = row0 + TILE < rows ? row0 + TILE : rows;
        for (int64_t column0 = 0; column0 < columns; column0 += TILE) {
            const int64_t column1 = column0 + TILE < columns ? column0 + TILE : columns;
            for (int64_t row = row0; row < row1; row++)
                for (int64_t column = column0; column < column1; column++)
                    out[column * rows + row] = in[row * columns + column];
        }
    }
}

float metasae_positive_columns(const float *restrict values, int64_t rows, int64_t width, uint8_t *restrict fired) {
    // Sixteen running minima, so the minimum is no loop-carried chain.
    enum { LANES = 16 };
    float smallest[LANES];
    for (int lane = 0; lane < LANES; lane++) smallest[lane] = __builtin_inff();
    for (int64_t row = 0; row < rows; row++) {
        const float *base = values + row * width;
        int64_t column = 0;
        for (; column + LANES <= width; column += LANES) {
            for (int lane = 0; lane < LANES; lane++) {
                const float value = base[column + lane];
                const int positive = value > 0.0f;  // NaN is not
                fired[column + lane] |= (uint8_t)positive;
                smallest[lane] = positive && value < smallest[lane] ? value : smallest[lane];
            }
        }
        for (; column < width; column++) {
            const float value = base[column];
            const int positive = value > 0.0f;
            fired[column] |= (uint8_t)positive;
            smallest[0] = positive && value < smallest[0] ? value : smallest[0];
        }
    }
    float result = smallest[0];
    for (int lane = 1; lane < LANES; lane++) result = smallest[lane] < result ? smallest[lane] : result;
    return result;
}

void metasae_relu(const float *restrict values, int64_t n, float *restrict out) {
    // As Swift's max(0, v): v when v >= 0 (−0 stays −0), else 0 (NaN too).
    for (int64_t index = 0; index < n; index++) out[index] = values[index] >= 0.0f ? values[index] : 0.0f;
}

double metasae_scaled_difference(const float *a, const float *b, int64_t n, float scale, float *out) {
    // Eight partial sums: independent chains the compiler keeps in vector lanes.
    double partial[8] = {0};
    int64_t index = 0;
    for (; index + 8 <= n; index += 8) {
        for (int lane = 0; lane < 8; lane++) {
            const float difference = a[index + lane] - b[index + lane];
            partial[lane] += (double)(difference * difference);
            out[index + lane] = scale * difference;
        }
    }
    for (; index < n; index++) {
        const float difference = a[index] - b[index];
        partial[0] += (double)(difference * difference);
        out[index] = scale * difference;
    }
    double total = 0;
    for (int lane = 0; lane < 8; lane++) total += partial[lane];
    return total;
}
