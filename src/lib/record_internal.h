/* record_internal.h - direct read access to a record's values for the edit engine's hot
 * path: one container's slot arrays, so that a value or its absence costs two loads instead
 * of a call per item. Valid until the record is next changed. */
#ifndef CRTK_RECORD_INTERNAL_H
#define CRTK_RECORD_INTERNAL_H

#include "crtk/record.h"

#include <stdint.h>

#define CRTK__ABSENT UINT32_MAX /* off[] of an item that is not present */

typedef struct crtk__values {
    const uint32_t *off; /* per slot of the level: offset into arena, CRTK__ABSENT if absent */
    const uint32_t *len;
    int n; /* slots in this container (0: no container, every item absent) */
    const char *arena;
} crtk__values;

/* The values of one container: the root, the patient, or tumor `tumor` (for an absent tumor
 * every item reads as absent). */
void crtk__record_values(const crtk_record *rec, crtk_level level, int tumor, crtk__values *out);

static inline const char *crtk__values_get(const crtk__values *v, int slot, size_t *len)
{
    if (slot >= v->n || v->off[slot] == CRTK__ABSENT)
        return NULL;
    *len = v->len[slot];
    return v->arena + v->off[slot];
}

#endif
