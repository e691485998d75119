// Dense Float32 rows into compressed rows (CSRBlock(dense:)): a counting
// pass that gives each row's start, then each row's non-zeros with their
// columns. Values that are not 0 are kept (NaN is, −0 is not). The AVX-512
// versions compare, count and compress sixteen values at a time; the
// baseline ones are branch-free scalar loops. Both store the same entries.
#include "vector_kernels.h"

#define COUNT_ARGS (const float *values, int64_t rows, int64_t width, long *offsets)
#define COMPRESS_ARGS (const float *values, int64_t rows, int64_t width, const long *offsets, int32_t *indices, float *kept)

void metasae_count_nonzero_rows_baseline COUNT_ARGS {
    for (int64_t row = 0; row < rows; row++)
        offsets[row + 1] = offsets[row] + (long)metasae_count_nonzero(values + row * width, width);
}

void metasae_compress_rows_baseline COMPRESS_ARGS {
    for (int64_t row = 0; row < rows; row++) {
        const float *base = values + row * width;
        int32_t *columns = indices + offsets[row];
        float *stored = kept + offsets[row];
        int64_t count = 0;
        for (int64_t column = 0; column < width; column++) {
            // Every value is written, only non-zeros advance: one slot past
            // the row's last entry is written too (the next row's first, or
            // the room the caller leaves past the end).
            columns[count] = (int32_t)column;
            stored[count] = base[column];
            count += base[column] != 0.0f;  // NaN != 0 holds
        }
    }
}

#if defined(__x86_64__) && defined(__clang__)
#include <immintrin.h>
#define AVX512 __attribute__((target("avx512f")))

// The lanes of 16 values (the first `valid` of them read) that are not 0.
static AVX512 inline __mmask16 nonzero_lanes(const float *values, int64_t valid, __m512 *loaded) {
    const __mmask16 readable = valid >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << valid) - 1);
    *loaded = _mm512_maskz_loadu_ps(readable, values);
    // Unordered or unequal: NaN is kept; −0 equals 0.
    return _mm512_mask_cmp_ps_mask(readable, *loaded, _mm512_setzero_ps(), _CMP_NEQ_UQ);
}

static AVX512 void count_nonzero_rows_avx512 COUNT_ARGS {
    for (int64_t row = 0; row < rows; row++) {
        const float *base = values + row * width;
        long count = 0;
        __m512 loaded;
        for (int64_t column = 0; column < width; column += 16)
            count += __builtin_popcount(nonzero_lanes(base + column, width - column, &loaded));
        offsets[row + 1] = offsets[row] + count;
    }
}

static AVX512 void compress_rows_avx512 COMPRESS_ARGS {
    const __m512i first_columns = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    for (int64_t row = 0; row < rows; row++) {
        const float *base = values + row * width;
        long out = offsets[row];
        for (int64_t column = 0; column < width; column += 16) {
            __m512 loaded;
            const __mmask16 keep = nonzero_lanes(base + column, width - column, &loaded);
            const int count = __builtin_popcount(keep);
            // Masked stores: nothing past the row's last entry is written.
            const __mmask16 filled = (__mmask16)((1u << count) - 1);
            const __m512i columns = _mm512_add_epi32(first_columns, _mm512_set1_epi32((int)column));
            _mm512_mask_storeu_ps(kept + out, filled, _mm512_maskz_compress_ps(keep, loaded));
            _mm512_mask_storeu_epi32(indices + out, filled, _mm512_maskz_compress_epi32(keep, columns));
            out += count;
        }
    }
}

int metasae_vector_kernels_use_avx512(void) { return __builtin_cpu_supports("avx512f"); }
#else
int metasae_vector_kernels_use_avx512(void) { return 0; }
#define count_nonzero_rows_avx512 metasae_count_nonzero_rows_baseline
#define compress_rows_avx512 metasae_compress_rows_baseline
#endif

void metasae_count_nonzero_rows COUNT_ARGS {
    (metasae_vector_kernels_use_avx512() ? count_nonzero_rows_avx512 : metasae_count_nonzero_rows_baseline)(
        values, rows, width, offsets);
}

void metasae_compress_rows COMPRESS_ARGS {
    (metasae_vector_kernels_use_avx512() ? compress_rows_avx512 : metasae_compress_rows_baseline)(
        values, rows, width, offsets, indices, kept);
}
