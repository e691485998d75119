// Element passes of the training step that Swift leaves scalar (its
// strided stores keep their bounds checks; its branchy scans do not
// vectorize): here they are cache-blocked or branch-free. And TopK's k-th
// largest, on integer keys that order as the values do.
#include <math.h>
#include <string.h>
#include "vector_kernels.h"

// Each value rounds as the scalar expression reads: no fused multiply-adds.
#pragma clang fp contract(off)

void metasae_transpose_baseline(const float *restrict in, int64_t rows, int64_t columns, float *restrict out) {
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

#if defined(__x86_64__) && defined(__clang__)
#include <immintrin.h>
#define AVX2 __attribute__((target("avx2")))

// One 8 × 8 block through registers: eight loads, three rounds of shuffles, eight stores.
static AVX2 inline void transpose_block(const float *in, int64_t in_stride, float *out, int64_t out_stride) {
    __m256 r[8], t[8];
    for (int i = 0; i < 8; i++) r[i] = _mm256_loadu_ps(in + i * in_stride);
    for (int i = 0; i < 8; i += 2) {
        t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int i = 0; i < 8; i += 4) {
        r[i] = _mm256_shuffle_ps(t[i], t[i + 2], 0x44);
        r[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], 0xee);
        r[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0x44);
        r[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0xee);
    }
    for (int i = 0; i < 4; i++) {
        _mm256_storeu_ps(out + i * out_stride, _mm256_permute2f128_ps(r[i], r[i + 4], 0x20));
        _mm256_storeu_ps(out + (i + 4) * out_stride, _mm256_permute2f128_ps(r[i], r[i + 4], 0x31));
    }
}

static AVX2 void transpose_avx2(const float *restrict in, int64_t rows, int64_t columns, float *restrict out) {
    const int64_t full_rows = rows / 8 * 8, full_columns = columns / 8 * 8;
    for (int64_t row = 0; row < full_rows; row += 8)
        for (int64_t column = 0; column < full_columns; column += 8)
            transpose_block(in + row * columns + column, columns, out + column * rows + row, rows);
    // The edges past the last whole blocks, value by value.
    for (int64_t row = 0; row < rows; row++)
        for (int64_t column = row < full_rows ? full_columns : 0; column < columns; column++)
            out[column * rows + row] = in[row * columns + column];
}
#else
#define transpose_avx2 metasae_transpose_baseline
#endif

void metasae_transpose(const float *in, int64_t rows, int64_t columns, float *out) {
    (metasae_vector_kernels_use_avx2() ? transpose_avx2 : metasae_transpose_baseline)(in, rows, columns, out);
}

void metasae_add_to_rows(float *restrict matrix, int64_t rows, int64_t width, const float *restrict vector) {
    for (int64_t row = 0; row < rows; row++)
        for (int64_t column = 0; column < width; column++) matrix[row * width + column] += vector[column];
}

void metasae_weighted_sum(float *restrict mine, const float *restrict other, int64_t n, float a, float b) {
    for (int64_t index = 0; index < n; index++) mine[index] = a * mine[index] + b * other[index];
}

float metasae_positive_columns(const float *restrict values, int64_t rows, int64_t width, uint8_t *restrict fired,
                               int64_t *positives) {
    // Sixteen running minima and counts, so neither is one loop-carried chain.
    enum { LANES = 16 };
    float smallest[LANES];
    uint32_t counts[LANES] = {0};
    int64_t total = 0;
    for (int lane = 0; lane < LANES; lane++) smallest[lane] = __builtin_inff();
    for (int64_t row = 0; row < rows; row++) {
        const float *base = values + row * width;
        int64_t column = 0;
        for (; column + LANES <= width; column += LANES) {
            for (int lane = 0; lane < LANES; lane++) {
                const float value = base[column + lane];
                const int positive = value > 0.0f;  // NaN is not
                fired[column + lane] |= (uint8_t)positive;
                counts[lane] += (uint32_t)positive;
                smallest[lane] = positive && value < smallest[lane] ? value : smallest[lane];
            }
        }
        for (; column < width; column++) {
            const float value = base[column];
            const int positive = value > 0.0f;
            fired[column] |= (uint8_t)positive;
            counts[0] += (uint32_t)positive;
            smallest[0] = positive && value < smallest[0] ? value : smallest[0];
        }
        // Folded every row, so no lane's count can overflow.
        for (int lane = 0; lane < LANES; lane++) { total += counts[lane]; counts[lane] = 0; }
    }
    float result = smallest[0];
    for (int lane = 1; lane < LANES; lane++) result = smallest[lane] < result ? smallest[lane] : result;
    *positives = total;
    return result;
}

void metasae_jump_relu_in_place(float *restrict values, int64_t rows, int64_t width, const float *restrict thresholds) {
    for (int64_t row = 0; row < rows; row++) {
        float *base = values + row * width;
        for (int64_t column = 0; column < width; column++) {
            const float value = base[column], threshold = thresholds[column];
            base[column] = value > threshold && value > 0.0f ? value : 0.0f;
        }
    }
}

void metasae_relu_in_place(float *values, int64_t n) {
    // As Swift's max(0, v): v when v >= 0 (−0 stays −0), else 0 (NaN too).
    for (int64_t index = 0; index < n; index++) values[index] = values[index] >= 0.0f ? values[index] : 0.0f;
}

void metasae_gate(const float *restrict gradient, const float *restrict gate, int64_t n, float *restrict out) {
    for (int64_t index = 0; index < n; index++) {
        // Both loaded first: a select, not a branch on each value.
        const float value = gradient[index], opens = gate[index];
        out[index] = opens > 0.0f ? value : 0.0f;
    }
}

void metasae_column_sums(const float *restrict matrix, int64_t rows, int64_t width, float *restrict sums) {
    // Row after row, so each column's sum runs in row order (as the literal loop).
    for (int64_t row = 0; row < rows; row++)
        for (int64_t column = 0; column < width; column++) sums[column] += matrix[row * width + column];
}

void metasae_divide(const float *restrict values, int64_t n, float divisor, float *restrict out) {
    for (int64_t index = 0; index < n; index++) out[index] = values[index] / divisor;
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

void metasae_unit_rows(float *matrix, int64_t rows, int64_t width) {
    // Eight rows at a time: each row's sum still runs in column order, as
    // one scalar chain, but eight chains overlap.
    enum { GROUP = 8 };
    int64_t row = 0;
    for (; row < rows; row += GROUP) {
        const int64_t count = rows - row < GROUP ? rows - row : GROUP;
        float norm[GROUP] = {0};
        for (int64_t column = 0; column < width; column++)
            for (int64_t lane = 0; lane < count; lane++) {
                const float value = matrix[(row + lane) * width + column];
                norm[lane] += value * value;
            }
        for (int64_t lane = 0; lane < count; lane++) {
            const float length = sqrtf(norm[lane]);
            if (!(length > 0)) continue;
            float *values = matrix + (row + lane) * width;
            for (int64_t column = 0; column < width; column++) values[column] /= length;
        }
    }
}

void metasae_fit_lanes(const float *restrict x, const float *restrict reconstruction, const double *restrict mean,
                       int64_t rows, int64_t width, double *restrict residuals, double *restrict totals) {
    for (int lane = 0; lane < 8; lane++) residuals[lane] = totals[lane] = 0;
    for (int64_t row = 0; row < rows; row++) {
        const float *xs = x + row * width, *rs = reconstruction + row * width;
        int64_t column = 0;
        for (; column + 8 <= width; column += 8)
            for (int lane = 0; lane < 8; lane++) {
                const double error = (double)(rs[column + lane] - xs[column + lane]);
                const double centred = (double)xs[column + lane] - mean[column + lane];
                residuals[lane] += error * error;
                totals[lane] += centred * centred;
            }
        for (; column < width; column++) {
            const double error = (double)(rs[column] - xs[column]);
            const double centred = (double)xs[column] - mean[column];
            residuals[0] += error * error;
            totals[0] += centred * centred;
        }
    }
}

void metasae_column_sums_double(const float *restrict matrix, int64_t rows, int64_t width, double *restrict sums) {
    for (int64_t row = 0; row < rows; row++)
        for (int64_t column = 0; column < width; column++) sums[column] += (double)matrix[row * width + column];
}

// Keys that order as the values do: larger value, larger key. −0 shares
// +0's key (they compare equal); NaN takes the smallest key (never ranks).
static inline uint32_t order_key(float value) {
    uint32_t bits;
    memcpy(&bits, &value, sizeof bits);
    if (value != value) return 0;
    if (bits == 0x80000000u) bits = 0;
    return (bits & 0x80000000u) ? ~bits : bits | 0x80000000u;
}

static inline float key_value(uint32_t key) {
    if (key == 0) return __builtin_nanf("");
    const uint32_t bits = (key & 0x80000000u) ? key & 0x7fffffffu : ~key;
    float value;
    memcpy(&value, &bits, sizeof value);
    return value;
}

// The k-th largest of n keys (1 ≤ k ≤ n), reordering them: quickselect,
// for rows too short to repay the radix passes' histograms.
static uint32_t kth_largest_key(uint32_t *keys, int64_t n, int64_t k) {
    int64_t low = 0, high = n - 1;
    const int64_t target = k - 1;
    while (low < high) {
        // Median of three, largest first: sorted rows stay linear.
        const int64_t middle = low + (high - low) / 2;
        uint32_t swap;
#define SWAP(a, b) (swap = keys[a], keys[a] = keys[b], keys[b] = swap)
        if (keys[middle] > keys[low]) SWAP(middle, low);
        if (keys[high] > keys[low]) SWAP(high, low);
        if (keys[high] > keys[middle]) SWAP(high, middle);
        const uint32_t pivot = keys[middle];
        int64_t i = low, j = high;
        while (i <= j) {
            while (keys[i] > pivot) i++;
            while (pivot > keys[j]) j--;
            if (i <= j) { SWAP(i, j); i++; j--; }
        }
#undef SWAP
        if (target <= j) high = j;
        else if (target >= i) low = i;
        else return keys[target];
    }
    return keys[target];
}

float metasae_kth_largest(const float *values, int64_t n, int64_t k, uint32_t *scratch) {
    for (int64_t index = 0; index < n; index++) scratch[index] = order_key(values[index]);
    if (n < 4096) return key_value(kth_largest_key(scratch, n, k));
    // Radix selection on the keys, from the top digit down: a histogram
    // picks the digit holding the k-th largest; only the keys with that
    // digit are kept for the next, shorter pass.
    static const int shifts[3] = {21, 10, 0};
    static const uint32_t masks[3] = {0x7ff, 0x7ff, 0x3ff};
    uint32_t counts[0x800];
    uint32_t prefix = 0;
    int64_t remaining = k, count = n;
    for (int pass = 0; pass < 3; pass++) {
        const int shift = shifts[pass];
        const uint32_t mask = masks[pass];
        memset(counts, 0, sizeof counts);
        for (int64_t index = 0; index < count; index++) counts[(scratch[index] >> shift) & mask]++;
        uint32_t digit = mask;
        while ((int64_t)counts[digit] < remaining) remaining -= counts[digit--];
        prefix |= digit << shift;
        int64_t kept = 0;
        for (int64_t index = 0; index < count; index++)
            if (((scratch[index] >> shift) & mask) == digit) scratch[kept++] = scratch[index];
        count = kept;
    }
    return key_value(prefix);
}
