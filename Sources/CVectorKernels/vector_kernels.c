// Hot per-row loops of the diagnostics, in C so that one binary carries a
// baseline x86-64 version and an AVX2/FMA version of each, chosen at each
// call from what the CPU reports (Swift has no per-function target).
// The two versions are the same source, compiled twice by the macros below.
#include "vector_kernels.h"

// Columns of the estimate kept in registers across all of a row's
// entries: TILE at a time (independent chains hide the multiply-add
// latency), then 8, then one.
#define TILE 32

#define ROW_TILES(width_of_tile)                                                       \
    for (; column + (width_of_tile) <= width; column += (width_of_tile)) {             \
        float sum[width_of_tile];                                                      \
        for (int lane = 0; lane < (width_of_tile); lane++) sum[lane] = offset[column + lane]; \
        for (int64_t entry = 0; entry < count; entry++) {                              \
            const float value = values[entry];                                         \
            const float *row = linear + (int64_t)indices[entry] * width + column;      \
            for (int lane = 0; lane < (width_of_tile); lane++) sum[lane] += value * row[lane]; \
        }                                                                              \
        for (int lane = 0; lane < (width_of_tile); lane++) {                           \
            estimate[column + lane] = sum[lane];                                       \
            const double difference = (double)(sum[lane] - target[column + lane]);     \
            partial[lane % 8] += difference * difference;                              \
        }                                                                              \
    }

#define SPARSE_ROW_ERROR_BODY                                                          \
    double partial[8] = {0};                                                           \
    int64_t column = 0;                                                                \
    ROW_TILES(TILE)                                                                    \
    ROW_TILES(8)                                                                       \
    ROW_TILES(1)                                                                       \
    double error = 0;                                                                  \
    for (int lane = 0; lane < 8; lane++) error += partial[lane];                       \
    return error;

#define AXPY_BODY                                                                      \
    for (int64_t index = 0; index < n; index++) y[index] += a * x[index];

#define SPARSE_ROW_ERROR_ARGS                                                          \
    (const float *linear, const float *offset, int64_t width, const int32_t *indices,  \
     const float *values, int64_t count, const float *target, float *estimate)
#define AXPY_ARGS (double *restrict y, const double *restrict x, double a, int64_t n)

double metasae_sparse_row_error_baseline SPARSE_ROW_ERROR_ARGS { SPARSE_ROW_ERROR_BODY }
void metasae_axpy_baseline AXPY_ARGS { AXPY_BODY }

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define AVX2 __attribute__((target("avx2,fma")))
static AVX2 double sparse_row_error_avx2 SPARSE_ROW_ERROR_ARGS { SPARSE_ROW_ERROR_BODY }
static AVX2 void axpy_avx2 AXPY_ARGS { AXPY_BODY }

int metasae_vector_kernels_use_avx2(void) {
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
#else
int metasae_vector_kernels_use_avx2(void) { return 0; }
#define sparse_row_error_avx2 metasae_sparse_row_error_baseline
#define axpy_avx2 metasae_axpy_baseline
#endif

double metasae_sparse_row_error SPARSE_ROW_ERROR_ARGS {
    return (metasae_vector_kernels_use_avx2() ? sparse_row_error_avx2 : metasae_sparse_row_error_baseline)(
        linear, offset, width, indices, values, count, target, estimate);
}

void metasae_axpy(double *y, const double *x, double a, int64_t n) {
    (metasae_vector_kernels_use_avx2() ? axpy_avx2 : metasae_axpy_baseline)(y, x, a, n);
}
