/* profile.c - export profiles: plain-text `key = value` lines ('#' starts a comment line),
 * parsed into an ordered list of entries and checked against one table of known keys, each
 * with the parser that turns its value into a field of crtk__xcfg. A key given twice keeps
 * the last value, except the repeatable ones (user_dictionary, not_reportable, ...). */
#include "export_internal.h"
#include "error_internal.h"
#include "layouts_internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct entry {
    char *key, *value;
    long line;
} entry;

struct crtk_profile {
    char *name;
    char *dir; /* folder of the profile file, "" for shipped ones */
    entry *e;
    size_t n, cap;
};

extern const crtk__embedded crtk__builtin_profiles[];

typedef int (*parse_fn)(crtk__xcfg *cfg, const char *v, crtk_error *err);

/* ---- value parsers ------------------------------------------------------------------- */

static int bad(crtk_error *err, const char *what, const char *v)
{
    return crtk__fail(err, CRTK_EPARSE, "%s, found \"%s\"", what, v);
}

static bool is_sep(char c)
{
    return c == ',' || c == ' ' || c == '\t';
}

/* Next word of a list (separated by commas or blanks) into buf; returns the rest, or NULL
 * at the end. A word too long for buf comes back as "" followed by the rest of the word,
 * which no parser accepts (TOO_LONG marks it for the messages). */
#define TOO_LONG "\x01"
static const char *word(const char *s, char *buf, size_t cap)
{
    size_t n = 0;

    while (*s && is_sep(*s))
        s++;
    if (!*s)
        return NULL;
    while (*s && !is_sep(*s)) {
        if (n + 1 >= cap) {
            crtk__copy(buf, cap, TOO_LONG);
            while (*s && !is_sep(*s))
                s++;
            return s;
        }
        buf[n++] = *s++;
    }
    buf[n] = '\0';
    return s;
}

static int parse_ranges(crtk__ranges *r, const char *v, crtk_error *err)
{
    char w[64];
    const char *s = v;

    r->n = 0;
    while ((s = word(s, w, sizeof w))) {
        char *dash = strchr(w, '-');
        const char *lo = w, *hi = w;
        if (!strcmp(w, TOO_LONG))
            return bad(err, "a code or range too long", v);
        if (dash) {
            *dash = '\0';
            hi = dash + 1;
        }
        if (!*lo || !*hi || strlen(lo) != strlen(hi) || strlen(lo) >= sizeof r->lo[0] ||
            strcmp(lo, hi) > 0)
            return bad(err, "expected codes or ranges of codes of one length (C700-C729,C751)", v);
        if (r->n == XMAX_RANGES)
            return bad(err, "too many ranges (32 at most)", v);
        crtk__copy(r->lo[r->n], sizeof r->lo[0], lo);
        crtk__copy(r->hi[r->n], sizeof r->hi[0], hi);
        r->n++;
    }
    return CRTK_OK;
}

bool crtk__ranges_match(const crtk__ranges *r, const char *v)
{
    size_t len = strlen(v);
    int i;

    for (i = 0; i < r->n; i++)
        if (strlen(r->lo[i]) == len && strcmp(r->lo[i], v) <= 0 && strcmp(v, r->hi[i]) <= 0)
            return true;
    return false;
}

static int parse_int(const char *v, long lo, long hi, long *out)
{
    char *end;
    long x;

    errno = 0;
    x = strtol(v, &end, 10);
    if (!*v || *end || errno || x < lo || x > hi)
        return -1;
    *out = x;
    return 0;
}

static int parse_year(crtk__year *y, const char *v, crtk_error *err)
{
    long x;

    y->set = true;
    y->relative = false;
    if (!strncmp(v, "year", 4)) {
        y->relative = true;
        y->value = 0;
        if (!v[4])
            return CRTK_OK;
        if (v[4] == '-' && parse_int(v + 5, 0, 200, &x) == 0) {
            y->value = -(int)x;
            return CRTK_OK;
        }
        if (v[4] == '+' && parse_int(v + 5, 0, 200, &x) == 0) {
            y->value = (int)x;
            return CRTK_OK;
        }
        return bad(err, "expected a year (1995), \"year\" or \"year-N\"", v);
    }
    if (strlen(v) != 4 || parse_int(v, 1800, 2999, &x) < 0)
        return bad(err, "expected a year (1995), \"year\" or \"year-N\"", v);
    y->value = (int)x;
    return CRTK_OK;
}

int crtk__year_resolve(const crtk__year *y, int export_year)
{
    return y->relative ? export_year + y->value : y->value;
}

static int p_years(crtk__xcfg *c, const char *v, crtk_error *err)
{
    const char *dots = strstr(v, "..");
    char a[32], b[32];
    int rc;

    if (!dots || (size_t)(dots - v) >= sizeof a || strlen(dots + 2) >= sizeof b)
        return bad(err, "expected FROM..TO (1995..year-2)", v);
    memcpy(a, v, (size_t)(dots - v));
    a[dots - v] = '\0';
    crtk__copy(b, sizeof b, dots + 2);
    memset(&c->year_from, 0, sizeof c->year_from);
    memset(&c->year_to, 0, sizeof c->year_to);
    if (*a && (rc = parse_year(&c->year_from, a, err)) < 0)
        return rc;
    if (*b && (rc = parse_year(&c->year_to, b, err)) < 0)
        return rc;
    return CRTK_OK;
}

static int p_bool(bool *out, const char *v, crtk_error *err)
{
    if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1"))
        *out = true;
    else if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0"))
        *out = false;
    else
        return bad(err, "expected yes or no", v);
    return CRTK_OK;
}

static int
p_choice(int *out, const char *v, const char *const *names, const char *what, crtk_error *err)
{
    int i;

    for (i = 0; names[i]; i++)
        if (!strcmp(v, names[i])) {
            *out = i;
            return CRTK_OK;
        }
    return bad(err, what, v);
}

/* Items: naaccrIds, a trailing '*' matches a prefix. Checked against the target layout
 * when the export starts. */
static int p_items(crtk__items *l, const char *v, crtk_error *err)
{
    const char *s = v;
    char w[80];

    l->n = 0;
    while ((s = word(s, w, sizeof w))) {
        size_t i;
        for (i = 0; w[i]; i++)
            if (!isalnum((unsigned char)w[i]) && !(w[i] == '*' && !w[i + 1]))
                return bad(err, "expected naaccrIds (a trailing * matches a prefix)", v);
        if (l->n == XMAX_ITEMS || strlen(w) >= sizeof l->v[0])
            return bad(err, "too many items (64 at most) or an id too long", v);
        crtk__copy(l->v[l->n++], sizeof l->v[0], w);
    }
    return CRTK_OK;
}

bool crtk__items_match(const crtk__items *l, const char *id)
{
    int i;

    for (i = 0; i < l->n; i++) {
        size_t n = strlen(l->v[i]);
        if (n && l->v[i][n - 1] == '*' ? !strncmp(l->v[i], id, n - 1) : !strcmp(l->v[i], id))
            return true;
    }
    return false;
}

static int p_rule(crtk__rule *arr, int *n, const char *v, crtk_error *err)
{
    const char *colon = strchr(v, ':'), *s;
    crtk__rule *r;
    char w[256];
    int rc;

    if (*n == XMAX_RULES)
        return bad(err, "too many rules (16 at most)", v);
    if (!colon || colon == v || (size_t)(colon - v) >= sizeof r->name)
        return bad(err, "expected NAME: site CODES histology CODES behavior CODES dx_from YEAR", v);
    r = &arr[*n];
    memset(r, 0, sizeof *r);
    memcpy(r->name, v, (size_t)(colon - v));
    s = colon + 1;
    while ((s = word(s, w, sizeof w))) {
        char arg[256];
        const char *after = word(s, arg, sizeof arg);
        if (!after)
            return bad(err, "a rule's site/histology/behavior/dx_from needs a value", v);
        s = after;
        if (!strcmp(w, "site"))
            rc = parse_ranges(&r->site, arg, err);
        else if (!strcmp(w, "histology"))
            rc = parse_ranges(&r->hist, arg, err);
        else if (!strcmp(w, "behavior"))
            rc = parse_ranges(&r->beh, arg, err);
        else if (!strcmp(w, "dx_from")) {
            long y = 0;
            rc = parse_int(arg, 1800, 2999, &y) < 0 ? bad(err, "dx_from needs a year", arg) : 0;
            r->dx_from = (int)y;
        } else
            rc = bad(err, "a rule part is site, histology, behavior or dx_from", w);
        if (rc < 0)
            return rc;
    }
    if (!r->site.n && !r->hist.n && !r->beh.n)
        return bad(err, "a rule needs a site, histology or behavior", v);
    (*n)++;
    return CRTK_OK;
}

static int p_description(crtk__xcfg *c, const char *v, crtk_error *err)
{
    c->description = v;
    return CRTK_OK;
}

static int p_format(crtk__xcfg *c, const char *v, crtk_error *err)
{
    if (!strcmp(v, "xml"))
        c->format = CRTK_FORMAT_XML;
    else if (!strcmp(v, "flat"))
        c->format = CRTK_FORMAT_FLAT;
    else
        return bad(err, "format is xml or flat", v);
    return CRTK_OK;
}

static int p_version(crtk__xcfg *c, const char *v, crtk_error *err)
{
    int ver = crtk_version_normalize(v);
    if (!ver)
        return bad(err, "expected a NAACCR version (12-18, 21-26 or 120-260)", v);
    c->version = ver;
    return CRTK_OK;
}

static int p_layout(crtk__xcfg *c, const char *v, crtk_error *err)
{
    c->layout = *v ? v : NULL;
    return CRTK_OK;
}

static int p_rectype(crtk__xcfg *c, const char *v, crtk_error *err)
{
    if (strlen(v) != 1 || !crtk_rectype_bit(v[0]))
        return bad(err, "record_type is A, M, C or I", v);
    c->record_type = v[0];
    return CRTK_OK;
}

static int p_user_dict(crtk__xcfg *c, const char *v, crtk_error *err)
{
    if (c->nuser == 8)
        return bad(err, "too many user dictionaries (8 at most)", v);
    c->user_dicts[c->nuser++] = v;
    return CRTK_OK;
}

static int p_tier(crtk__xcfg *c, const char *v, crtk_error *err)
{
    static const char *const names[] = {"full", "confidential", "incidence", "deidentified", NULL};
    return p_choice(&c->tier, v, names, "tier is full, confidential, incidence or deidentified",
                    err);
}

static int p_registry_type(crtk__xcfg *c, const char *v, crtk_error *err)
{
    if (*v && (strlen(v) != 1 || v[0] < '1' || v[0] > '3'))
        return bad(err, "registry_type is 1, 2 or 3", v);
    c->registry_type = v;
    return CRTK_OK;
}

static int p_digits10(const char **out, const char *v, crtk_error *err)
{
    if (strlen(v) > 10 || strspn(v, "0123456789") != strlen(v))
        return bad(err, "expected up to 10 digits", v);
    *out = v;
    return CRTK_OK;
}

static int p_registry_id(crtk__xcfg *c, const char *v, crtk_error *err)
{
    return p_digits10(&c->registry_id, v, err);
}

static int p_npi(crtk__xcfg *c, const char *v, crtk_error *err)
{
    return p_digits10(&c->npi_registry_id, v, err);
}

static int p_facility(crtk__xcfg *c, const char *v, crtk_error *err)
{
    size_t i;
    for (i = 0; v[i]; i++)
        if (!isalnum((unsigned char)v[i]) || i >= 10)
            return bad(err, "facility_id is up to 10 letters or digits", v);
    c->facility_id = v;
    return CRTK_OK;
}

static int p_dx_required(crtk__xcfg *c, const char *v, crtk_error *err)
{
    return p_bool(&c->dx_year_required, v, err);
}

static int p_reportable(crtk__xcfg *c, const char *v, crtk_error *err)
{
    return p_bool(&c->reportable, v, err);
}

static int p_behaviors(crtk__xcfg *c, const char *v, crtk_error *err)
{
    return parse_ranges(&c->behaviors, v, err);
}

static int p_cns_sites(crtk__xcfg *c, const char *v, crtk_error *err)
{
    return parse_ranges(&c->cns_sites, v, err);
}

static int p_cns_from(crtk__xcfg *c, const char *v, crtk_error *err)
{
    long y;
    if (!strcmp(v, "never")) {
        c->cns_from = 0;
        return CRTK_OK;
    }
    if (parse_int(v, 1800, 2999, &y) < 0)
        return bad(err, "benign_cns_from is a year or never", v);
    c->cns_from = (int)y;
    return CRTK_OK;
}

static int p_not_rep(crtk__xcfg *c, const char *v, crtk_error *err)
{
    return p_rule(c->not_rep, &c->n_not_rep, v, err);
}

static int p_also_rep(crtk__xcfg *c, const char *v, crtk_error *err)
{
    return p_rule(c->also_rep, &c->n_also_rep, v, err);
}

static int p_resident(crtk__xcfg *c, const char *v, crtk_error *err)
{
    const char *s = v[0] == '!' ? v + 1 : v;
    if (*v && (strlen(s) != 2 || !isupper((unsigned char)s[0]) || !isupper((unsigned char)s[1])))
        return bad(err, "resident_of is a state code (TX) or !CODE (not resident of)", v);
    c->resident = *v ? v : NULL;
    return CRTK_OK;
}

static int p_class(crtk__xcfg *c, const char *v, crtk_error *err)
{
    return parse_ranges(&c->class_of_case, v, err);
}

static int p_changed(crtk__xcfg *c, const char *v, crtk_error *err)
{
    if (*v && (strlen(v) != 8 || strspn(v, "0123456789") != 8))
        return bad(err, "changed_since is a date YYYYMMDD", v);
    c->changed_since = *v ? v : NULL;
    return CRTK_OK;
}

static int p_restriction(crtk__xcfg *c, const char *v, crtk_error *err)
{
    static const char *const names[] = {"keep", "exclude", NULL};
    int x = 0, rc = p_choice(&x, v, names, "facility_restriction is keep or exclude", err);
    c->facility_restriction = x == 1;
    return rc;
}

static int p_where(crtk__xcfg *c, const char *v, crtk_error *err)
{
    c->where = *v ? v : NULL;
    return CRTK_OK;
}

static int p_edits(crtk__xcfg *c, const char *v, crtk_error *err)
{
    c->edits = *v && strcmp(v, "none") ? v : NULL;
    return CRTK_OK;
}

static int p_edit_set(crtk__xcfg *c, const char *v, crtk_error *err)
{
    c->edit_set = *v ? v : NULL;
    return CRTK_OK;
}

static int p_gate(crtk__xcfg *c, const char *v, crtk_error *err)
{
    static const char *const names[] = {"block", "exclude", "warn", NULL};
    return p_choice(&c->gate, v, names, "gate is block, exclude or warn", err);
}

static int p_stamp(crtk__xcfg *c, const char *v, crtk_error *err)
{
    return p_items(&c->stamp, v, err);
}

static int p_deid_remove(crtk__xcfg *c, const char *v, crtk_error *err)
{
    return p_items(&c->deid_remove, v, err);
}

static int p_deid_dates(crtk__xcfg *c, const char *v, crtk_error *err)
{
    static const char *const names[] = {"keep", "month", "year", NULL};
    return p_choice(&c->deid_dates, v, names, "deid_dates is keep, month or year", err);
}

static int p_deid_zip(crtk__xcfg *c, const char *v, crtk_error *err)
{
    long n;
    if (!strcmp(v, "keep"))
        c->deid_zip = 0;
    else if (!strcmp(v, "remove"))
        c->deid_zip = -1;
    else if (parse_int(v, 1, 5, &n) == 0)
        c->deid_zip = (int)n;
    else
        return bad(err, "deid_zip is keep, remove or the digits kept (1-5)", v);
    return CRTK_OK;
}

static int p_zip_items(crtk__xcfg *c, const char *v, crtk_error *err)
{
    return p_items(&c->zip_items, v, err);
}

static int p_pseudonym(crtk__xcfg *c, const char *v, crtk_error *err)
{
    return p_items(&c->pseudonym, v, err);
}

static int p_file_name(crtk__xcfg *c, const char *v, crtk_error *err)
{
    if (!*v || strchr(v, '/'))
        return bad(err, "file_name is a file name template without '/'", v);
    c->file_name = v;
    return CRTK_OK;
}

static int p_history(crtk__xcfg *c, const char *v, crtk_error *err)
{
    c->history = *v ? v : NULL;
    return CRTK_OK;
}

static int p_history_files(crtk__xcfg *c, const char *v, crtk_error *err)
{
    return p_bool(&c->history_files, v, err);
}

static int p_changed_rt(crtk__xcfg *c, const char *v, crtk_error *err)
{
    if (*v && strcmp(v, "M"))
        return bad(err, "changed_record_type is M or empty", v);
    c->changed_rt = *v ? 'M' : 0;
    return CRTK_OK;
}

static int p_tumor_key(crtk__xcfg *c, const char *v, crtk_error *err)
{
    int rc = p_items(&c->tumor_key, v, err);
    if (rc < 0)
        return rc;
    if (c->tumor_key.n < 1 || c->tumor_key.n > 8)
        return bad(err, "tumor_key is 1 to 8 naaccrIds", v);
    return CRTK_OK;
}

static int p_drop(crtk__xcfg *c, const char *v, crtk_error *err)
{
    return p_bool(&c->drop_unmappable, v, err);
}

static int p_note(crtk__xcfg *c, const char *v, crtk_error *err)
{
    return CRTK_OK; /* recorded for people (receiver, transport, frequency, due) */
}

typedef struct keydef {
    const char *key;
    parse_fn parse;
    bool repeat;
} keydef;

static const keydef keys[] = {
    {"description", p_description, false},
    {"receiver", p_note, false},
    {"transport", p_note, false},
    {"frequency", p_note, false},
    {"due", p_note, false},
    {"format", p_format, false},
    {"naaccr_version", p_version, false},
    {"layout", p_layout, false},
    {"record_type", p_rectype, false},
    {"user_dictionary", p_user_dict, true},
    {"tier", p_tier, false},
    {"registry_type", p_registry_type, false},
    {"registry_id", p_registry_id, false},
    {"npi_registry_id", p_npi, false},
    {"facility_id", p_facility, false},
    {"dx_years", p_years, false},
    {"dx_year_required", p_dx_required, false},
    {"reportable", p_reportable, false},
    {"reportable_behaviors", p_behaviors, false},
    {"benign_cns_sites", p_cns_sites, false},
    {"benign_cns_from", p_cns_from, false},
    {"not_reportable", p_not_rep, true},
    {"also_reportable", p_also_rep, true},
    {"resident_of", p_resident, false},
    {"class_of_case", p_class, false},
    {"changed_since", p_changed, false},
    {"facility_restriction", p_restriction, false},
    {"where", p_where, false},
    {"edits", p_edits, false},
    {"edit_set", p_edit_set, false},
    {"gate", p_gate, false},
    {"stamp", p_stamp, false},
    {"deid_remove", p_deid_remove, false},
    {"deid_dates", p_deid_dates, false},
    {"deid_zip", p_deid_zip, false},
    {"deid_zip_items", p_zip_items, false},
    {"deid_pseudonym", p_pseudonym, false},
    {"file_name", p_file_name, false},
    {"history", p_history, false},
    {"history_files", p_history_files, false},
    {"changed_record_type", p_changed_rt, false},
    {"tumor_key", p_tumor_key, false},
    {"drop_unmappable", p_drop, false},
    {NULL, NULL, false},
};

static const keydef *find_key(const char *k)
{
    const keydef *d;
    for (d = keys; d->key; d++)
        if (!strcmp(d->key, k))
            return d;
    return NULL;
}

static void defaults(crtk__xcfg *c)
{
    memset(c, 0, sizeof *c);
    c->format = CRTK_FORMAT_XML;
    c->version = 250;
    c->record_type = 'A';
    c->tier = TIER_FULL;
    c->reportable = false;
    (void)parse_ranges(&c->behaviors, "2-3", NULL);
    (void)parse_ranges(&c->cns_sites, "C700-C729,C751-C753", NULL);
    c->cns_from = 2004;
    c->gate = GATE_BLOCK;
    c->history_files = true;
    (void)p_items(&c->stamp, "dateCaseReportExported", NULL);
    (void)p_items(&c->zip_items, "addrAtDxPostalCode addrCurrentPostalCode", NULL);
    (void)p_items(&c->pseudonym, "patientIdNumber", NULL);
    c->file_name = "{registryId}_{exportDate:yyyyMMdd}_{recordType}{naaccrVersion}.xml";
    (void)p_items(&c->tumor_key, "patientIdNumber tumorRecordNumber", NULL);
}

int crtk__profile_config(const crtk_profile *p, crtk__xcfg *cfg, crtk_error *err)
{
    size_t i;
    int rc;

    defaults(cfg);
    for (i = 0; i < p->n; i++) {
        const keydef *d = find_key(p->e[i].key);
        if (err) {
            /* Lines given with crtk_profile_set (--set) have no line in the file. */
            crtk__error_source(err, p->e[i].line ? p->name : "--set");
            err->line = p->e[i].line;
            crtk__copy(err->item, sizeof err->item, p->e[i].key);
        }
        if (!d)
            return crtk__fail(err, CRTK_EPARSE, "unknown key \"%s\" (see docs/export.md)",
                              p->e[i].key);
        if ((rc = d->parse(cfg, p->e[i].value, err)) < 0)
            return rc;
    }
    if (err) {
        err->line = 0;
        err->item[0] = '\0';
    }
    if (cfg->format == CRTK_FORMAT_XML && !cfg->layout && (cfg->version < 210))
        return crtk__fail(err, CRTK_EPARSE,
                          "XML export needs naaccr_version 21 to 26 (found %d); fixed width "
                          "is format = flat",
                          cfg->version);
    if (cfg->format == CRTK_FORMAT_FLAT && !cfg->layout && cfg->version > 180)
        return crtk__fail(err, CRTK_EPARSE,
                          "fixed-width export needs naaccr_version 12 to 18 (found %d) or a "
                          "layout file",
                          cfg->version);
    /* A tier never carries what its record type would: C at most for confidential, I for
     * incidence and deidentified. */
    if ((cfg->tier == TIER_DEIDENTIFIED || cfg->tier == TIER_INCIDENCE) && cfg->record_type != 'I')
        return crtk__fail(err, CRTK_EPARSE, "tier %s needs record_type I",
                          cfg->tier == TIER_INCIDENCE ? "incidence" : "deidentified");
    /* M is A's content for changed cases (NAACCR item 10): it follows an A export only. */
    if (cfg->changed_rt && cfg->record_type != 'A')
        return crtk__fail(err, CRTK_EPARSE, "changed_record_type M needs record_type A");
    if (cfg->tier == TIER_CONFIDENTIAL && cfg->record_type != 'C' && cfg->record_type != 'I')
        return crtk__fail(err, CRTK_EPARSE, "tier confidential needs record_type C or I");
    return CRTK_OK;
}

/* ---- parsing ------------------------------------------------------------------------- */

static int add_entry(crtk_profile *p, const char *k, size_t kl, const char *v, size_t vl, long line)
{
    entry *e;

    if (p->n == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 32;
        entry *ne = realloc(p->e, cap * sizeof *ne);
        if (!ne)
            return CRTK_ENOMEM;
        p->e = ne;
        p->cap = cap;
    }
    e = &p->e[p->n];
    e->key = strndup(k, kl);
    e->value = strndup(v, vl);
    e->line = line;
    if (!e->key || !e->value) {
        free(e->key);
        free(e->value);
        return CRTK_ENOMEM;
    }
    p->n++;
    return CRTK_OK;
}

void crtk_profile_free(crtk_profile *p)
{
    size_t i;

    if (!p)
        return;
    for (i = 0; i < p->n; i++) {
        free(p->e[i].key);
        free(p->e[i].value);
    }
    free(p->e);
    free(p->name);
    free(p->dir);
    free(p);
}

/* Drop earlier entries of a non-repeatable key, so the list holds what applies. */
static void keep_last(crtk_profile *p, const char *key)
{
    const keydef *d = find_key(key);
    size_t i, j;

    if (!d || d->repeat)
        return;
    for (i = j = 0; i + 1 < p->n; i++) {
        if (!strcmp(p->e[i].key, key)) {
            free(p->e[i].key);
            free(p->e[i].value);
            continue;
        }
        p->e[j++] = p->e[i];
    }
    p->e[j++] = p->e[p->n - 1];
    p->n = j;
}

static int parse_text(crtk_profile *p, const char *text, size_t len, crtk_error *err)
{
    size_t pos = 0;
    long line = 0;
    int rc;

    while (pos < len) {
        const char *s = text + pos, *nl = memchr(s, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - s) : len - pos, k0, k1, v0, v1;
        pos += n + (nl ? 1 : 0);
        line++;
        if (n && s[n - 1] == '\r')
            n--;
        if (memchr(s, '\0', n)) {
            err ? err->line = line : 0;
            return crtk__fail(err, CRTK_EPARSE, "NUL byte in a profile");
        }
        for (k0 = 0; k0 < n && isspace((unsigned char)s[k0]); k0++)
            ;
        if (k0 == n || s[k0] == '#')
            continue;
        for (k1 = k0; k1 < n && (isalnum((unsigned char)s[k1]) || s[k1] == '_'); k1++)
            ;
        for (v0 = k1; v0 < n && (s[v0] == ' ' || s[v0] == '\t'); v0++)
            ;
        if (k1 == k0 || v0 == n || s[v0] != '=') {
            if (err) {
                crtk__error_source(err, p->name);
                err->line = line;
            }
            return crtk__fail(err, CRTK_EPARSE, "expected `key = value`, found \"%.*s\"",
                              (int)(n - k0 > 60 ? 60 : n - k0), s + k0);
        }
        for (v0++; v0 < n && (s[v0] == ' ' || s[v0] == '\t'); v0++)
            ;
        for (v1 = n; v1 > v0 && isspace((unsigned char)s[v1 - 1]); v1--)
            ;
        if ((rc = add_entry(p, s + k0, k1 - k0, s + v0, v1 - v0, line)) < 0)
            return crtk__fail(err, rc, "out of memory");
        keep_last(p, p->e[p->n - 1].key);
    }
    return CRTK_OK;
}

static int profile_new(crtk_profile **out,
                       const char *name,
                       const char *dir,
                       const char *text,
                       size_t len,
                       crtk_error *err)
{
    crtk_profile *p = calloc(1, sizeof *p);
    crtk__xcfg cfg;
    int rc;

    *out = NULL;
    if (!p)
        return crtk__fail(err, CRTK_ENOMEM, "out of memory");
    p->name = strdup(name);
    p->dir = strdup(dir);
    if (!p->name || !p->dir) {
        crtk_profile_free(p);
        return crtk__fail(err, CRTK_ENOMEM, "out of memory");
    }
    crtk__error_source(err, name);
    rc = parse_text(p, text, len, err);
    if (rc == CRTK_OK)
        rc = crtk__profile_config(p, &cfg, err);
    if (rc < 0) {
        crtk_profile_free(p);
        return rc;
    }
    *out = p;
    return CRTK_OK;
}

int crtk_profile_parse(
    crtk_profile **out, const char *name, const char *text, size_t len, crtk_error *err)
{
    return profile_new(out, name ? name : "<memory>", "", text, len, err);
}

int crtk_profile_load(crtk_profile **out, const char *path, crtk_error *err)
{
    FILE *f;
    strbuf b = STRBUF_INIT, dir = STRBUF_INIT, name = STRBUF_INIT;
    char buf[4096];
    size_t n;
    const char *slash, *base;
    int rc = CRTK_OK;

    *out = NULL;
    crtk__error_source(err, path);
    f = fopen(path, "rb");
    if (!f) {
        if (err)
            err->sys_errno = errno;
        return crtk__fail(err, CRTK_EIO, "cannot open profile: %s", strerror(errno));
    }
    while (rc == CRTK_OK && (n = fread(buf, 1, sizeof buf, f)) > 0) {
        if (b.len + n > (1u << 20))
            rc = crtk__fail(err, CRTK_ELIMIT, "profile larger than 1 MiB");
        else if (sb_add(&b, buf, n) < 0)
            rc = crtk__fail(err, CRTK_ENOMEM, "out of memory");
    }
    if (rc == CRTK_OK && ferror(f))
        rc = crtk__fail(err, CRTK_EIO, "cannot read profile");
    fclose(f);
    slash = strrchr(path, '/');
    base = slash ? slash + 1 : path;
    if (rc == CRTK_OK &&
        (sb_add(&dir, path, slash ? (size_t)(slash - path) : 0) < 0 || sb_adds(&name, base) < 0))
        rc = crtk__fail(err, CRTK_ENOMEM, "out of memory");
    if (rc == CRTK_OK && name.len > 8 && !strcmp(name.s + name.len - 8, ".profile"))
        name.s[name.len -= 8] = '\0';
    if (rc == CRTK_OK)
        rc = profile_new(out, path, slash ? (dir.s ? dir.s : "") : ".", b.s ? b.s : "", b.len, err);
    if (rc == CRTK_OK) {
        free((*out)->name);
        (*out)->name = sb_detach(&name);
    }
    sb_free(&b);
    sb_free(&dir);
    sb_free(&name);
    return rc;
}

size_t crtk_profile_builtin_count(void)
{
    size_t n = 0;
    while (crtk__builtin_profiles[n].name)
        n++;
    return n;
}

const char *crtk_profile_builtin_name(size_t i)
{
    return i < crtk_profile_builtin_count() ? crtk__builtin_profiles[i].name : NULL;
}

static const crtk__embedded *builtin(const char *name)
{
    size_t i, n = crtk_profile_builtin_count();
    for (i = 0; i < n; i++)
        if (!strcmp(crtk_profile_builtin_name(i), name))
            return &crtk__builtin_profiles[i];
    return NULL;
}

const char *crtk_profile_builtin_text(const char *name, size_t *len_out)
{
    const crtk__embedded *b = builtin(name);
    if (len_out)
        *len_out = b ? b->len : 0;
    return b ? b->text : NULL;
}

int crtk_profile_builtin(crtk_profile **out, const char *name, crtk_error *err)
{
    const crtk__embedded *b = builtin(name);

    *out = NULL;
    if (!b) {
        crtk__error_source(err, name);
        return crtk__fail(err, CRTK_EARG, "no shipped profile \"%s\" (crtk export --list-profiles)",
                          name);
    }
    return profile_new(out, name, "", b->text, b->len, err);
}

int crtk_profile_set(crtk_profile *p, const char *key, const char *value, crtk_error *err)
{
    const keydef *d = find_key(key);
    crtk__xcfg *cfg;
    int rc;

    crtk__error_source(err, "--set");
    if (!d)
        return crtk__fail(err, CRTK_EPARSE, "unknown profile key \"%s\" (see docs/export.md)", key);
    /* The value alone is checked here; how keys fit together is checked when the profile
     * is used, so several --set may change them one at a time. */
    cfg = malloc(sizeof *cfg);
    if (!cfg)
        return crtk__fail(err, CRTK_ENOMEM, "out of memory");
    defaults(cfg);
    if (err)
        crtk__copy(err->item, sizeof err->item, key);
    rc = d->parse(cfg, value, err);
    free(cfg);
    if (rc < 0)
        return rc;
    if (err)
        err->item[0] = '\0';
    if (add_entry(p, key, strlen(key), value, strlen(value), 0) < 0)
        return crtk__fail(err, CRTK_ENOMEM, "out of memory");
    keep_last(p, key);
    return CRTK_OK;
}

const char *crtk_profile_name(const crtk_profile *p)
{
    return p->name;
}

const char *crtk__profile_dir(const crtk_profile *p)
{
    return p->dir;
}

const char *crtk_profile_get(const crtk_profile *p, const char *key)
{
    size_t i;
    for (i = p->n; i > 0; i--)
        if (!strcmp(p->e[i - 1].key, key))
            return p->e[i - 1].value;
    return NULL;
}

size_t crtk_profile_count(const crtk_profile *p)
{
    return p->n;
}

const char *crtk_profile_key_at(const crtk_profile *p, size_t i)
{
    return i < p->n ? p->e[i].key : NULL;
}

const char *crtk_profile_value_at(const crtk_profile *p, size_t i)
{
    return i < p->n ? p->e[i].value : NULL;
}
