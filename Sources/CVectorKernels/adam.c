// Adam's update, in C so that the square root and the divisions run as
// vector instructions (Swift's loop stays scalar), with a baseline x86-64
// and an AVX2 version chosen at each call. No contraction into fused
// multiply-adds: every version rounds as the scalar expression does.
#include "vector_kernels.h"

#pragma clang fp contract(off)

#define ADAM_ARGS                                                                      \
    (float *restrict values, float *restrict first, float *restrict second,            \
     const float *restrict gradient, int64_t n, float beta1, float beta2,              \
     float epsilon, float step_size, float correction2)

#define ADAM_BODY                                                                      \
    const float keep1 = 1 - beta1, keep2 = 1 - beta2;                                  \
    for (int64_t index = 0; index < n; index++) {                                      \
        const float g = gradient[index];                                               \
        const float m = beta1 * first[index] + keep1 * g;                              \
        const float v = beta2 * second[index] + keep2 * g * g;                         \
        first[index] = m;                                                              \
        second[index] = v;                                                             \
        values[index] -= step_size * m / (__builtin_elementwise_sqrt(v / correction2) + epsilon); \
    }

void metasae_adam_update_baseline ADAM_ARGS { ADAM_BODY }

#if defined(__x86_64__) && defined(__clang__)
static __attribute__((target("avx2"))) void adam_update_avx2 ADAM_ARGS { ADAM_BODY }
#else
#define adam_update_avx2 metasae_adam_update_baseline
#endif

void metasae_adam_update(float *values, float *first, float *second, const float *gradient, int64_t n,
                         float beta1, float beta2, float epsilon, float step_size, float correction2) {
    (metasae_vector_kernels_use_avx2() ? adam_update_avx2 : metasae_adam_update_baseline)(
        values, first, second, gradient, n, beta1, beta2, epsilon, step_size, correction2);
}
