/* codes_internal.h - the code tables embedded by scripts/embed-codes (sorted, byte order). */
#ifndef CRTK_CODES_INTERNAL_H
#define CRTK_CODES_INTERNAL_H

#include <stddef.h>

typedef struct crtk__code {
    const char *code;
    const char *label;
} crtk__code;

typedef struct crtk__code_table {
    const char *id;
    const crtk__code *codes;
    size_t count;
} crtk__code_table;

extern const crtk__code_table crtk__code_tables[];
extern const size_t crtk__code_table_count;

#endif
