/* report_internal.h - the check report model shared by its renderers (report.c fills it,
 * render_text.c, render_json.c and render_html.c read it). */
#ifndef CRTK_REPORT_INTERNAL_H
#define CRTK_REPORT_INTERNAL_H

#include "crtk/report.h"
#include "strbuf.h"

#define REPORT_MAX_CHK 32
#define REPORT_KEYS    7

typedef struct rfile {
    char *path;
    long long bytes; /* -1 unknown (stdin) */
    char layout[96];
    char record_type;
    crtk_format format;
    int naaccr_version;
    long patients, tumors, tumors_err, errors;
    char sha256[65]; /* "" when not computed */
} rfile;

typedef struct rchk {
    const crtk_checker *c;
    long *fails; /* per edit of the checker */
} rchk;

/* A failure kept for the record detail: strings are offsets into the detail arena. */
typedef struct rfail {
    const char *tag, *name; /* borrowed from the checker */
    int other_tumor;
    size_t messages; /* messages joined by "; " */
    size_t fields;   /* "Name=value" joined by "\x1f" */
    size_t nfields;
    int ci, edit; /* for the field filter */
} rfail;

typedef struct rrec {
    int file;
    long line, patient;
    int tumor;
    size_t keys[REPORT_KEYS]; /* values of the key items, (size_t)-1 when absent */
    size_t f0, nf;            /* its failures in fails[] */
} rrec;

/* A failure of the current patient, until its patient callback. */
typedef struct pend {
    int tumor, other, edit;
    size_t messages, fields, nfields;
    const char *tag, *name;
} pend;

struct crtk_check_report {
    crtk_check_report_opts opts;
    rfile *files;
    int nfiles;
    size_t capfiles;
    rchk chk[REPORT_MAX_CHK];
    int nchk, cur;
    crtk_check_totals t;
    pend *pend;
    size_t npend, cappend;
    strbuf pendmem;
    rrec *recs;
    size_t nrecs, caprecs;
    rfail *fails;
    size_t nfails, capfails;
    strbuf mem;
};

extern const char *const crtk__report_key_ids[REPORT_KEYS];
extern const char *const crtk__report_key_labels[REPORT_KEYS];

/* One row of a summary table: an edit (key = tag) or a field (key = name, item number). */
typedef struct rrow {
    const char *key, *name, *description;
    long count;
    int item;
} rrow;

/* Failing edits merged over every layout by tag, and errors by field; both sorted by count
 * (descending), ties by key. Caller frees both arrays. */
int crtk__report_rows(const crtk_check_report *r, rrow **edits, int *ne, rrow **fields, int *nf);
int crtk__json_str(strbuf *b, const char *s);
const char *crtk__patient_id(const crtk_record *rec);
/* "12,345" */
void crtk__thousands(char *buf, size_t cap, long long v);

#endif
