/* export_internal.h - what the export modules share: SHA-256/HMAC, the typed form of a
 * profile, the selection filters, the record transform, the history and the report model. */
#ifndef CRTK_EXPORT_INTERNAL_H
#define CRTK_EXPORT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "crtk/check.h"
#include "crtk/export.h"
#include "crtk/reader.h"
#include "crtk/record.h"
#include "strbuf.h"

#include "util/sha256_internal.h"

/* ---- profile.c: the typed profile ---------------------------------------------------- */
#define XMAX_RANGES 32
#define XMAX_RULES  16
#define XMAX_ITEMS  64

/* Code ranges "C700-C729,C751": a value matches when it has a bound's length and sorts
 * between the bounds. */
typedef struct crtk__ranges {
    int n;
    char lo[XMAX_RANGES][12], hi[XMAX_RANGES][12];
} crtk__ranges;

/* A named reportability rule: site, histology and behavior ranges, first diagnosis year. */
typedef struct crtk__rule {
    char name[48];
    crtk__ranges site, hist, beh;
    int dx_from; /* 0 = any */
} crtk__rule;

/* A year bound: absolute, or relative to the export year ("year-2"). */
typedef struct crtk__year {
    bool set, relative;
    int value; /* absolute year, or the offset */
} crtk__year;

enum { TIER_FULL = 0, TIER_CONFIDENTIAL, TIER_INCIDENCE, TIER_DEIDENTIFIED };
enum { GATE_BLOCK = 0, GATE_EXCLUDE, GATE_WARN };
enum { DATES_KEEP = 0, DATES_MONTH, DATES_YEAR };

/* naaccrIds (a trailing '*' matches a prefix). */
typedef struct crtk__items {
    int n;
    char v[XMAX_ITEMS][64];
} crtk__items;

typedef struct crtk__xcfg {
    const char *description;
    crtk_format format; /* XML or FLAT */
    int version;        /* 3 digits */
    const char *layout; /* user flat layout file */
    char record_type;
    const char *user_dicts[8];
    int nuser;
    int tier;
    const char *registry_type, *registry_id, *npi_registry_id, *facility_id;
    /* selection */
    crtk__year year_from, year_to;
    bool dx_year_required;
    bool reportable;
    crtk__ranges behaviors, cns_sites;
    int cns_from;
    crtk__rule not_rep[XMAX_RULES], also_rep[XMAX_RULES];
    int n_not_rep, n_also_rep;
    const char *resident; /* state code; a leading '!' = not resident of */
    crtk__ranges class_of_case;
    const char *changed_since; /* YYYYMMDD */
    bool facility_restriction; /* exclude reportingFacilityRestrictionFlag 01-07 */
    const char *where;
    /* edits */
    const char *edits;    /* "shipped", a folder or a .smf file; NULL = no gate */
    const char *edit_set; /* set tag */
    int gate;
    /* stamping, de-identification */
    crtk__items stamp;
    crtk__items deid_remove;
    int deid_dates;
    int deid_zip; /* digits kept, 0 = keep all, -1 = remove */
    crtk__items zip_items;
    crtk__items pseudonym;
    /* files */
    const char *file_name;
    const char *history;
    bool history_files; /* keep the batch's files in the history (for --remake) */
    char changed_rt;    /* --since-last: changed tumors go to a file of this type (M); 0 = no */
    crtk__items tumor_key;
    bool drop_unmappable;
} crtk__xcfg;

/* Typed view of a profile (strings borrowed from it). */
int crtk__profile_config(const crtk_profile *p, crtk__xcfg *cfg, crtk_error *err);
bool crtk__ranges_match(const crtk__ranges *r, const char *v);
bool crtk__items_match(const crtk__items *l, const char *id);
const char *crtk__profile_dir(const crtk_profile *p);
int crtk__year_resolve(const crtk__year *y, int export_year);

/* ---- filter.c: selection --------------------------------------------------------------- */
enum {
    FILT_DX_KNOWN = 0,
    FILT_DX_YEARS,
    FILT_REPORTABLE,
    FILT_RESIDENT,
    FILT_CLASS,
    FILT_CHANGED,
    FILT_RESTRICTION,
    FILT_WHERE,
    FILT_SINCE_LAST,
    FILT_COUNT
};
typedef struct crtk__filter crtk__filter;
/* `where` (may be NULL) is joined to the profile's; it is compiled against check_layout (may
 * be NULL) at once, and against each source layout when its first tumor comes. */
int crtk__filter_new(crtk__filter **out,
                     const crtk__xcfg *cfg,
                     const char *where,
                     int export_year,
                     const crtk_layout *check_layout,
                     crtk_error *err);
void crtk__filter_free(crtk__filter *f);
/* *filter_out = -1 when the tumor is selected, else the filter (FILT_*) excluding it;
 * *rule_out (may be NULL) receives the name of the not-reportable rule that matched, if any.
 * A run-time error of `where` is an error (CRTK_EINVALID naming the patient). */
int crtk__filter_tumor(crtk__filter *f,
                       const crtk_record *rec,
                       int tumor,
                       int *filter_out,
                       const char **rule_out,
                       crtk_error *err);
const char *crtk__filter_name(int filter);

/* ---- transform.c: source record -> output record ---------------------------------------- */
typedef struct crtk__xform crtk__xform;
typedef struct crtk__xform_item {
    const char *id; /* naaccrId */
    int num;
    long removed_rt;   /* values removed: outside the record type */
    long removed_tier; /* values removed or coarsened by the privacy tier */
    long unmappable;   /* values with no item in the target */
} crtk__xform_item;
int crtk__xform_new(crtk__xform **out,
                    const crtk__xcfg *cfg,
                    const crtk_layout *target,
                    const unsigned char *key,
                    size_t keylen,
                    const char *today,
                    crtk_error *err);
void crtk__xform_free(crtk__xform *x);
/* Copy tumors `tumors[0..n-1]` of rec into *out (target layout), stripping and
 * de-identifying, and set the root items. Values without a target item are counted (the
 * caller decides). */
int crtk__xform_apply(crtk__xform *x,
                      const crtk_record *rec,
                      const int *tumors,
                      int n,
                      crtk_record *out,
                      crtk_error *err);
/* Set the stamped items (the export date) on every tumor of out, a record about to be sent. */
int crtk__xform_stamp(crtk__xform *x, crtk_record *out, crtk_error *err);
/* Per-source-item counts of the source layouts seen (borrowed). */
int crtk__xform_item_count(const crtk__xform *x);
const crtk__xform_item *crtk__xform_item_at(const crtk__xform *x, int i);
long crtk__xform_unmappable(const crtk__xform *x);
/* Copy tumors of rec into out in rec's own layout (no transform). */
int crtk__record_subset(const crtk_record *rec, const int *tumors, int n, crtk_record *out);
/* Content hash (hex) of a tumor: its patient and tumor values, stamped items left out. */
int crtk__xform_hash(crtk__xform *x, const crtk_record *rec, int tumor, char hex[65]);
/* Tumor key: the profile's key items joined by '|'. */
int crtk__tumor_key(const crtk_record *rec, int tumor, const crtk__xcfg *cfg, strbuf *out);

/* ---- history.c ------------------------------------------------------------------------ */
typedef struct crtk__history crtk__history;
int crtk__history_open(crtk__history **out, const char *path, bool create, crtk_error *err);
void crtk__history_free(crtk__history *h);
/* The last batch of `profile` holding `key`: 1 it has the same hash, 2 another (changed),
 * 0 there is none (new). */
int crtk__history_unchanged(
    crtk__history *h, const char *profile, const char *key, const char *hash, crtk_error *err);
/* Next batch id (no write). */
long crtk__history_next_batch(crtk__history *h);
/* Everything of one batch in one transaction: begin, rows, files, commit. */
int crtk__history_begin(crtk__history *h, crtk_error *err);
int crtk__history_add_tumor(
    crtk__history *h, long batch, const char *key, const char *hash, crtk_error *err);
int crtk__history_add_batch(crtk__history *h,
                            long batch,
                            const char *time,
                            const char *profile,
                            const char *output,
                            const char *sha256,
                            long tumors,
                            crtk_error *err);
/* Store a file of the batch; *sha (65 bytes, may be NULL) receives its SHA-256 in hex. */
int crtk__history_add_file(
    crtk__history *h, long batch, const char *name, const char *path, char *sha, crtk_error *err);
int crtk__history_commit(crtk__history *h, crtk_error *err);
void crtk__history_rollback(crtk__history *h);

/* ---- report.c ------------------------------------------------------------------------- */
typedef struct crtk__count {
    char key[64];
    long n;
} crtk__count;
typedef struct crtk__counts {
    crtk__count *v;
    int n, cap;
} crtk__counts;
int crtk__counts_add(crtk__counts *c, const char *key, long n);
void crtk__counts_free(crtk__counts *c);

typedef struct crtk__report {
    const char *profile, *description, *today, *time_generated;
    const crtk__xcfg *cfg;
    const char *const *inputs;
    int ninputs;
    const char *output, *rejects; /* file names, "" none */
    const char *sha256;
    const char *edit_set;
    int edits_compiled, edits_skipped;
    long batch;
    const char *source_layout, *target_layout;
    crtk_export_result res;
    long excluded[FILT_COUNT];
    crtk__counts not_rep;                           /* excluded by each not-reportable rule */
    crtk__counts by_year, by_site, by_class, by_rt; /* written tumors */
    crtk__counts edit_fail;                         /* failures per edit: "TAG\tname" */
    strbuf failures; /* one line per failing tumor (no identifiers) */
    long failures_listed, failures_total;
    const char *changed; /* the file of changed tumors (record type M), "" none */
    long changed_written;
    const crtk__xform *xform;
    const crtk_layout *src_layout, *dst_layout;
    bool blocked;
} crtk__report;
int crtk__report_text(const crtk__report *r, strbuf *out);
int crtk__report_html(const crtk__report *r, strbuf *out);

#endif
