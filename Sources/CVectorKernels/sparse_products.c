// Products of compressed rows with dense row-major matrices: the SAE
// training step's decoder and gradient products when its codes are sparse
// (cost k·D per row instead of F·D). Baseline x86-64 and AVX2/FMA versions
// of the same source, chosen at each call, as in vector_kernels.c.
//
// Each output value is summed in one fixed order, whatever the tiling:
// from its starting value, entry after entry in storage order (row order
// for the transposed product). The tiles only keep the running sums in
// registers, so every version rounds as the literal loop over entries does.
#include <stdlib.h>
#include "vector_kernels.h"

#define TIMES_ARGS                                                                     \
    (const long *offsets, const int32_t *indices, const float *values, int64_t rows,   \
     const float *restrict dense, int64_t width, float *restrict out)

// One output row, `target`, plus Σ over entries [begin, end) of
// entry_values[e]·dense[entry_rows[e], :], summed in registers tile by tile
// (64 columns, then 8, then one).
#define SUM_TILES(tile, begin, end, entry_values, entry_rows)                          \
    for (; column + (tile) <= width; column += (tile)) {                               \
        float sum[tile];                                                               \
        for (int lane = 0; lane < (tile); lane++) sum[lane] = target[column + lane];   \
        for (long entry = (begin); entry < (end); entry++) {                           \
            const float value = (entry_values)[entry];                                 \
            const float *source = dense + (int64_t)(entry_rows)[entry] * width + column; \
            for (int lane = 0; lane < (tile); lane++) sum[lane] += value * source[lane]; \
        }                                                                              \
        for (int lane = 0; lane < (tile); lane++) target[column + lane] = sum[lane];   \
    }
#define SUM_ROW(begin, end, entry_values, entry_rows)                                  \
    {                                                                                  \
        int64_t column = 0;                                                            \
        SUM_TILES(64, begin, end, entry_values, entry_rows)                            \
        SUM_TILES(8, begin, end, entry_values, entry_rows)                             \
        SUM_TILES(1, begin, end, entry_values, entry_rows)                             \
    }

// codes · W: row r of out over row r's entries.
#define TIMES_BODY                                                                     \
    for (int64_t row = 0; row < rows; row++) {                                         \
        float *target = out + row * width;                                             \
        SUM_ROW(offsets[row], offsets[row + 1], values, indices)                       \
    }

// The transposed product by columns of the codes (compressed columns: each
// latent's entries in row order), so each output row is summed in registers
// and stored once instead of read and written for every entry.
#define COLUMNS_ARGS                                                                   \
    (const long *starts, const int32_t *column_rows, const float *column_values,       \
     int64_t latents, const float *restrict dense, int64_t width, float *restrict out)

#define COLUMNS_BODY                                                                   \
    for (int64_t latent = 0; latent < latents; latent++) {                             \
        if (starts[latent] == starts[latent + 1]) continue;                            \
        float *target = out + latent * width;                                          \
        SUM_ROW(starts[latent], starts[latent + 1], column_values, column_rows)        \
    }

#define DOTS_ARGS                                                                      \
    (const long *offsets, const int32_t *indices, int64_t rows, const float *restrict a, \
     const float *restrict w, int64_t width, float *restrict out)

// One dot product: eight lanes, lane l summing columns l, l + 8, … in order,
// then the lanes in order and the columns past the last multiple of 8. Four
// entries at a time run four independent chains with the same order each.
#define DOTS_GROUP(group)                                                              \
    for (; entry + (group) <= end; entry += (group)) {                                 \
        const float *right[group];                                                     \
        float sum[group][8] = {{0}};                                                   \
        for (int member = 0; member < (group); member++)                               \
            right[member] = w + (int64_t)indices[entry + member] * width;              \
        int64_t column = 0;                                                            \
        for (; column + 8 <= width; column += 8)                                       \
            for (int member = 0; member < (group); member++)                           \
                for (int lane = 0; lane < 8; lane++)                                   \
                    sum[member][lane] += left[column + lane] * right[member][column + lane]; \
        for (int member = 0; member < (group); member++) {                             \
            float total = 0;                                                           \
            for (int lane = 0; lane < 8; lane++) total += sum[member][lane];           \
            for (int64_t rest = column; rest < width; rest++) total += left[rest] * right[member][rest]; \
            out[entry + member] = total;                                               \
        }                                                                              \
    }

#define DOTS_BODY                                                                      \
    for (int64_t row = 0; row < rows; row++) {                                         \
        const float *left = a + row * width;                                           \
        long entry = offsets[row];                                                     \
        const long end = offsets[row + 1];                                             \
        DOTS_GROUP(4)                                                                  \
        DOTS_GROUP(1)                                                                  \
    }

void metasae_csr_times_dense_baseline TIMES_ARGS { TIMES_BODY }
static void columns_times_baseline COLUMNS_ARGS { COLUMNS_BODY }
void metasae_csr_row_dots_baseline DOTS_ARGS { DOTS_BODY }

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define AVX2 __attribute__((target("avx2,fma")))
static AVX2 void times_avx2 TIMES_ARGS { TIMES_BODY }
static AVX2 void columns_times_avx2 COLUMNS_ARGS { COLUMNS_BODY }
static AVX2 void dots_avx2 DOTS_ARGS { DOTS_BODY }
#else
#define times_avx2 metasae_csr_times_dense_baseline
#define columns_times_avx2 columns_times_baseline
#define dots_avx2 metasae_csr_row_dots_baseline
#endif

void metasae_csr_times_dense TIMES_ARGS {
    (metasae_vector_kernels_use_avx2() ? times_avx2 : metasae_csr_times_dense_baseline)(
        offsets, indices, values, rows, dense, width, out);
}

// The entries regrouped by column (a counting sort, stable, so each
// latent's entries stay in row order), then multiplied column by column.
static void transpose_times(int avx2, const long *offsets, const int32_t *indices, const float *values, int64_t rows,
                            const float *dense, int64_t width, float *out, int64_t latents) {
    const long count = offsets[rows] - offsets[0];
    long *starts = calloc((size_t)latents + 2, sizeof *starts);
    int32_t *column_rows = malloc(((size_t)count + 1) * sizeof *column_rows);
    float *column_values = malloc(((size_t)count + 1) * sizeof *column_values);
    if (starts && column_rows && column_values) {
        for (long entry = offsets[0]; entry < offsets[rows]; entry++) starts[indices[entry] + 2]++;
        for (int64_t latent = 0; latent < latents; latent++) starts[latent + 2] += starts[latent + 1];
        for (int64_t row = 0; row < rows; row++)
            for (long entry = offsets[row]; entry < offsets[row + 1]; entry++) {
                const long slot = starts[indices[entry] + 1]++;
                column_rows[slot] = (int32_t)row;
                column_values[slot] = values[entry];
            }
        (avx2 ? columns_times_avx2 : columns_times_baseline)(starts, column_rows, column_values, latents, dense, width, out);
    } else {
        // No memory for the regrouping: entry by entry, in the same order.
        for (int64_t row = 0; row < rows; row++)
            for (long entry = offsets[row]; entry < offsets[row + 1]; entry++)
                (avx2 ? times_avx2 : metasae_csr_times_dense_baseline)(
                    (const long[]){0, 1}, (const int32_t[]){0}, values + entry, 1, dense + row * width, width,
                    out + (int64_t)indices[entry] * width);
    }
    free(starts);
    free(column_rows);
    free(column_values);
}

void metasae_csr_transpose_times_dense(const long *offsets, const int32_t *indices, const float *values, int64_t rows,
                                       const float *dense, int64_t width, float *out, int64_t latents) {
    transpose_times(metasae_vector_kernels_use_avx2(), offsets, indices, values, rows, dense, width, out, latents);
}

void metasae_csr_transpose_times_dense_baseline(const long *offsets, const int32_t *indices, const float *values,
                                                int64_t rows, const float *dense, int64_t width, float *out,
                                                int64_t latents) {
    transpose_times(0, offsets, indices, values, rows, dense, width, out, latents);
}

void metasae_csr_row_dots DOTS_ARGS {
    (metasae_vector_kernels_use_avx2() ? dots_avx2 : metasae_csr_row_dots_baseline)(offsets, indices, rows, a, w, width, out);
}
