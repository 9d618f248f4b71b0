/* crtk/record.h - the record model: one patient with its NaaccrData (root) items,
 * patient items and tumors, every value addressed by its item definition. */
#ifndef CRTK_RECORD_H
#define CRTK_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include "crtk/error.h"
#include "crtk/layouts.h"

#ifdef __cplusplus
extern "C" {
#endif

/** One patient as read from any format. Records are reused: a reader's `next`
 *  overwrites the caller's record, so reading allocates nothing once it has grown. */
typedef struct crtk_record crtk_record;

CRTK_API CRTK_NODISCARD int crtk_record_new(crtk_record **out);
CRTK_API void crtk_record_free(crtk_record *rec);
/** Empty the record (no values, no tumors) and bind it to a layout (borrowed). */
CRTK_API CRTK_NODISCARD int crtk_record_reset(crtk_record *rec, const crtk_layout *layout);
CRTK_API const crtk_layout *crtk_record_layout(const crtk_record *rec);
CRTK_API int crtk_record_tumor_count(const crtk_record *rec);
/** Append an empty tumor; returns its 0-based index or a negative status. */
CRTK_API CRTK_NODISCARD int crtk_record_add_tumor(crtk_record *rec);
/** Remove every tumor (patient and root values kept). */
CRTK_API void crtk_record_clear_tumors(crtk_record *rec);

/** Value of an item (borrowed, NUL-terminated, valid until the record changes), NULL when
 *  absent. `tumor` (0-based) is used for tumor-level items only. len_out may be NULL. */
CRTK_API const char *
crtk_record_get(const crtk_record *rec, const crtk_item *item, int tumor, size_t *len_out);
/** Set a value (copied). An empty value (len 0) makes the item absent. */
CRTK_API CRTK_NODISCARD int
crtk_record_set(crtk_record *rec, const crtk_item *item, int tumor, const char *value, size_t len);
/** Set a NaaccrData (root) value that the file stated only once, outside its Items (the
 *  XML root attributes recordType and baseDictionaryUri give items 10 and 50). The value is
 *  data for edits, show and flat/CSV output; an XML writer keeps it in the attribute and
 *  writes no Item for it. crtk_record_set on the item makes it an ordinary value again. */
CRTK_API CRTK_NODISCARD int
crtk_record_set_implied(crtk_record *rec, const crtk_item *item, const char *value, size_t len);
/** True when the root item's value was set by crtk_record_set_implied. */
CRTK_API bool crtk_record_is_implied(const crtk_record *rec, const crtk_item *item);
/** Make an item absent. */
CRTK_API void crtk_record_unset(crtk_record *rec, const crtk_item *item, int tumor);
/** Number of items present at the root / patient / one tumor. */
CRTK_API int crtk_record_present_count(const crtk_record *rec, crtk_level level, int tumor);

/** Source line where the patient (tumor = -1) or a tumor starts; 0 when unknown. */
CRTK_API long crtk_record_line(const crtk_record *rec, int tumor);
CRTK_API void crtk_record_set_line(crtk_record *rec, int tumor, long line);
/** 1-based ordinal of the patient in its source. */
CRTK_API long crtk_record_ordinal(const crtk_record *rec);
CRTK_API void crtk_record_set_ordinal(crtk_record *rec, long ordinal);

/** Extension elements (XML in a foreign namespace) kept verbatim for a container:
 *  level ROOT, PATIENT or TUMOR (with its index). */
CRTK_API CRTK_NODISCARD int crtk_record_add_extension(
    crtk_record *rec, crtk_level level, int tumor, const char *xml, size_t len);
CRTK_API int crtk_record_extension_count(const crtk_record *rec, crtk_level level, int tumor);
CRTK_API const char *
crtk_record_extension(const crtk_record *rec, crtk_level level, int tumor, int i, size_t *len_out);

#ifdef __cplusplus
}
#endif
#endif
