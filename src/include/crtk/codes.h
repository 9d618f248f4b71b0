/* crtk/codes.h - labels of NAACCR codes ("2" of sex is "Female", "C509" of primarySite is
 * "Breast, NOS"), from the code tables compiled into the library (layouts/codes.txt,
 * derived from the NAACCR code lists by scripts/gen-codes). Lookups do not allocate. */
#ifndef CRTK_CODES_H
#define CRTK_CODES_H

#include <stdbool.h>
#include <stddef.h>
#include "crtk/error.h"
#include "crtk/layouts.h"
#include "crtk/record.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Label of @p code of the item @p naaccr_id, NULL when the tables do not know the item or
 * the code. Leading and trailing blanks of @p code are ignored. For histologicTypeIcdO3
 * the code may carry the behavior ("8500/3", the ICD-O-3 preferred term); "8500" alone
 * gives the malignant term, or the first behavior the table has.
 * @return a borrowed string in static storage (valid for the life of the program).
 */
CRTK_API const char *crtk_code_label(const char *naaccr_id, const char *code);

/** Same with a length-delimited code (a record value, not NUL-terminated). */
CRTK_API const char *crtk_code_label_n(const char *naaccr_id, const char *code, size_t len);

/**
 * Label of the value @p item has in @p rec (@p tumor, 0-based, for tumor items), as
 * crtk_code_label() gives it. Items whose codes mean something only with another item's are
 * looked up together: histologicTypeIcdO3 with the tumor's behaviorCodeIcdO3 ("8500/3").
 * @return a borrowed static string, NULL when the item is absent or its code unknown.
 */
CRTK_API const char *
crtk_record_code_label(const crtk_record *rec, const crtk_item *item, int tumor);

/** Whether the tables have codes of the item @p naaccr_id. */
CRTK_API bool crtk_code_table_has(const char *naaccr_id);

/** Number of codes the tables know of @p naaccr_id (0 when none). */
CRTK_API size_t crtk_code_count(const char *naaccr_id);

#ifdef __cplusplus
}
#endif
#endif
