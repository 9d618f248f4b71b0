/* crtk/generate.h - synthetic NAACCR records for tests and benchmarks: plausible,
 * internally consistent patients and tumors (no real person's data), reproducible from
 * a seed. */
#ifndef CRTK_GENERATE_H
#define CRTK_GENERATE_H

#include "crtk/error.h"
#include "crtk/layouts.h"
#include "crtk/record.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct crtk_generate_opts {
    int version;        /* CRTK_GENERATE_OPTS_VERSION */
    long tumors;        /* how many tumors in all */
    unsigned long seed; /* same seed, same data */
    char record_type;   /* only items of this record type are filled ('A' default) */
    int max_dx_year;    /* latest diagnosis year (0 = 2024) */
} crtk_generate_opts;

#define CRTK_GENERATE_OPTS_VERSION 1
#define CRTK_GENERATE_OPTS_INIT                    \
    {                                              \
        CRTK_GENERATE_OPTS_VERSION, 100, 1, 'A', 0 \
    }

typedef struct crtk_generator crtk_generator;

/** Create a generator filling records of `layout` (borrowed). */
CRTK_API CRTK_NODISCARD int crtk_generator_new(crtk_generator **out,
                                               const crtk_layout *layout,
                                               const crtk_generate_opts *opts,
                                               crtk_error *err);
/** Next patient: 1, or 0 when the requested number of tumors has been produced. */
CRTK_API CRTK_NODISCARD int crtk_generator_next(crtk_generator *g, crtk_record *rec);
CRTK_API void crtk_generator_free(crtk_generator *g);

#ifdef __cplusplus
}
#endif
#endif
