// Products of compressed rows with dense row-major matrices: the SAE
// training step's decoder and gradient products when its codes are sparse
// (cost k·D per row instead of F·D). Baseline x86-64 and AVX2/FMA versions
// of the same source, chosen at each call, as in vector_kernels.c.
#include "vector_kernels.h"

#define TIMES_ARGS                                                                     \
    (const long *offsets, const int32_t *indices, const float *values, int64_t rows,   \
     const float *restrict dense, int64_t width, float *restrict out)
#define TIMES_BODY                                                                     \
    for (int64_t row = 0; row < rows; row++) {                                         \
        float *target = out + row * width;                                             \
        for (long entry = offsets[row]; entry < offsets[row + 1]; entry++) {           \
            const float value = values[entry];                                         \
            const float *source = dense + (int64_t)indices[entry] * width;             \
            for (int64_t column = 0; column < width; column++) target[column] += value * source[column]; \
        }                                                                              \
    }

#define TRANSPOSE_BODY                                                                 \
    for (int64_t row = 0; row < rows; row++) {                                         \
        const float *source = dense + row * width;                                     \
        for (long entry = offsets[row]; entry < offsets[row + 1]; entry++) {           \
            const float value = values[entry];                                         \
            float *target = out + (int64_t)indices[entry] * width;                     \
            for (int64_t column = 0; column < width; column++) target[column] += value * source[column]; \
        }                                                                              \
    }

#define DOTS_ARGS                                                                      \
    (const long *offsets, const int32_t *indices, int64_t rows, const float *restrict a, \
     const float *restrict w, int64_t width, float *restrict out)
#define DOTS_BODY                                                                      \
    for (int64_t row = 0; row < rows; row++) {                                         \
        const float *left = a + row * width;                                           \
        for (long entry = offsets[row]; entry < offsets[row + 1]; entry++) {           \
            const float *right = w + (int64_t)indices[entry] * width;                  \
            float sum[8] = {0};                                                        \
            int64_t column = 0;                                                        \
            for (; column + 8 <= width; column += 8)                                   \
                for (int lane = 0; lane < 8; lane++) sum[lane] += left[column + lane] * right[column + lane]; \
            float total = 0;                                                           \
            for (int lane = 0; lane < 8; lane++) total += sum[lane];                   \
            for (; column < width; column++) total += left[column] * right[column];    \
            out[entry] = total;                                                        \
        }                                                                              \
    }

void metasae_csr_times_dense_baseline TIMES_ARGS { TIMES_BODY }
void metasae_csr_transpose_times_dense_baseline TIMES_ARGS { TRANSPOSE_BODY }
void metasae_csr_row_dots_baseline DOTS_ARGS { DOTS_BODY }

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define AVX2 __attribute__((target("avx2,fma")))
static AVX2 void times_avx2 TIMES_ARGS { TIMES_BODY }
static AVX2 void transpose_avx2 TIMES_ARGS { TRANSPOSE_BODY }
static AVX2 void dots_avx2 DOTS_ARGS { DOTS_BODY }
#else
#define times_avx2 metasae_csr_times_dense_baseline
#define transpose_avx2 metasae_csr_transpose_times_dense_baseline
#define dots_avx2 metasae_csr_row_dots_baseline
#endif

void metasae_csr_times_dense TIMES_ARGS {
    (metasae_vector_kernels_use_avx2() ? times_avx2 : metasae_csr_times_dense_baseline)(
        offsets, indices, values, rows, dense, width, out);
}

void metasae_csr_transpose_times_dense TIMES_ARGS {
    (metasae_vector_kernels_use_avx2() ? transpose_avx2 : metasae_csr_transpose_times_dense_baseline)(
        offsets, indices, values, rows, dense, width, out);
}

void metasae_csr_row_dots DOTS_ARGS {
    (metasae_vector_kernels_use_avx2() ? dots_avx2 : metasae_csr_row_dots_baseline)(offsets, indices, rows, a, w, width, out);
}
