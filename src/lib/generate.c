/* generate.c - synthetic patients and tumors. Every value is drawn from a small table of
 * coherent cases (site, histology, behavior, laterality, sex) so that generated files pass
 * the data-type checks and the shipped edits; a seeded xorshift generator makes the data
 * reproducible. Items a layout does not have are skipped. */
#include "crtk/generate.h"
#include "error_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct tcase {
    const char *site, *hist, *beh;
    char sex;    /* '1' male only, '2' female only, 0 any */
    bool paired; /* laterality 1 or 2, else 0 */
    const char *dxconf;
} tcase;

static const tcase cases[] = {
    {"C509", "8500", "3", '2', true, "1"},  {"C504", "8520", "3", '2', true, "1"},
    {"C619", "8140", "3", '1', false, "1"}, {"C341", "8140", "3", 0, true, "1"},
    {"C349", "8070", "3", 0, true, "1"},    {"C189", "8140", "3", 0, false, "1"},
    {"C187", "8140", "3", 0, false, "1"},   {"C209", "8140", "3", 0, false, "1"},
    {"C679", "8120", "3", 0, false, "1"},   {"C445", "8720", "3", 0, true, "1"},
    {"C649", "8312", "3", 0, true, "1"},    {"C739", "8260", "3", 0, false, "1"},
    {"C541", "8380", "3", '2', false, "1"}, {"C421", "9861", "3", 0, false, "1"},
    {"C779", "9680", "3", 0, false, "1"},   {"C250", "8140", "3", 0, false, "1"},
    {"C509", "8500", "2", '2', true, "1"},  {"C718", "9440", "3", 0, false, "1"},
};

static const char *const last_names[] = {"Smith",  "Johnson", "Garcia", "Nguyen", "Brown",
                                         "Miller", "Davis",   "Lopez",  "Wilson", "Clark"};
static const char *const first_names[] = {"Mary",  "James", "Linda",   "Robert", "Ana",
                                          "David", "Susan", "Michael", "Rosa",   "John"};
static const char *const states[][3] = {{"MO", "St. Louis", "63101"},
                                        {"KS", "Topeka", "66603"},
                                        {"IA", "Des Moines", "50309"},
                                        {"NE", "Omaha", "68102"},
                                        {"IL", "Springfield", "62701"}};
static const char *const races[] = {"01", "01", "01", "02", "02", "03", "04", "05", "96"};

struct crtk_generator {
    const crtk_layout *layout;
    crtk_generate_opts opts;
    unsigned long long s;
    long made, patient;
    unsigned rt;
};

static unsigned long long rnd(crtk_generator *g)
{
    unsigned long long x = g->s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    g->s = x;
    return x * 2685821657736338717ULL;
}

static int pick(crtk_generator *g, int n)
{
    return (int)(rnd(g) % (unsigned long long)n);
}

int crtk_generator_new(crtk_generator **out,
                       const crtk_layout *layout,
                       const crtk_generate_opts *opts,
                       crtk_error *err)
{
    crtk_generator *g;

    *out = NULL;
    if (!opts || opts->version != CRTK_GENERATE_OPTS_VERSION || opts->tumors < 0)
        return crtk__fail(err, CRTK_EARG, "bad generator options");
    g = calloc(1, sizeof *g);
    if (!g)
        return crtk__fail(err, CRTK_ENOMEM, "out of memory");
    g->layout = layout;
    g->opts = *opts;
    if (!g->opts.max_dx_year)
        g->opts.max_dx_year = 2024;
    g->rt = crtk_rectype_bit(opts->record_type ? opts->record_type : 'A');
    if (!g->rt)
        g->rt = CRTK_RT_A;
    g->s = 0x9E3779B97F4A7C15ULL ^ (opts->seed * 0xBF58476D1CE4E5B9ULL);
    if (!g->s)
        g->s = 1;
    *out = g;
    return CRTK_OK;
}

void crtk_generator_free(crtk_generator *g)
{
    free(g);
}

static int put(crtk_generator *g, crtk_record *rec, const char *id, int tumor, const char *v)
{
    const crtk_item *it = crtk_layout_find(g->layout, id);

    if (!it || !(it->rectypes & g->rt) || !v || !*v)
        return CRTK_OK;
    return crtk_record_set(rec, it, tumor, v, strlen(v));
}

static int days_in(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return d[m - 1];
}

typedef struct ymd {
    int y, m, d;
} ymd;

static ymd rand_date(crtk_generator *g, int y0, int y1)
{
    ymd r;
    r.y = y0 + pick(g, y1 - y0 + 1);
    r.m = 1 + pick(g, 12);
    r.d = 1 + pick(g, days_in(r.y, r.m));
    return r;
}

static int cmp_date(ymd a, ymd b)
{
    return a.y != b.y ? a.y - b.y : a.m != b.m ? a.m - b.m : a.d - b.d;
}

static void fmt_date(char *buf, ymd d)
{
    snprintf(buf, 9, "%04d%02d%02d", d.y, d.m, d.d);
}

int crtk_generator_next(crtk_generator *g, crtk_record *rec)
{
    char buf[64], dob_s[9], dx_s[9];
    ymd dob, dx[3], dlc;
    int ntum, t, rc, st, year0;
    char sex;
    bool dead;
    const char *used[3];
    const crtk_item *sex_item;

    if (g->made >= g->opts.tumors)
        return 0;
    ntum = pick(g, 100) < 85 ? 1 : pick(g, 100) < 80 ? 2 : 3;
    if (ntum > g->opts.tumors - g->made)
        ntum = (int)(g->opts.tumors - g->made);
    g->patient++;
    if ((rc = crtk_record_reset(rec, g->layout)) < 0)
        return rc;
    snprintf(buf, sizeof buf, "%c", g->opts.record_type ? g->opts.record_type : 'A');
    rc = put(g, rec, "recordType", 0, buf);
    snprintf(buf, sizeof buf, "%d", crtk_layout_version(g->layout));
    rc = rc ? rc : put(g, rec, "naaccrRecordVersion", 0, buf);
    rc = rc ? rc : put(g, rec, "registryId", 0, "0000001234");
    rc = rc ? rc : put(g, rec, "registryType", 0, "1");
    snprintf(buf, sizeof buf, "%08ld", g->patient % 100000000L);
    rc = rc ? rc : put(g, rec, "patientIdNumber", 0, buf);
    sex = pick(g, 2) ? '2' : '1';
    snprintf(buf, sizeof buf, "%c", sex);
    sex_item = crtk_layout_find(g->layout, "sexAssignedAtBirth");
    rc = rc ? rc : put(g, rec, sex_item ? "sexAssignedAtBirth" : "sex", 0, buf);
    dob = rand_date(g, 1925, 1985);
    fmt_date(dob_s, dob);
    rc = rc ? rc : put(g, rec, "dateOfBirth", 0, dob_s);
    rc = rc ? rc : put(g, rec, "race1", 0, races[pick(g, 9)]);
    rc = rc ? rc : put(g, rec, "race2", 0, "88");
    rc = rc ? rc : put(g, rec, "race3", 0, "88");
    rc = rc ? rc : put(g, rec, "race4", 0, "88");
    rc = rc ? rc : put(g, rec, "race5", 0, "88");
    rc = rc ? rc : put(g, rec, "spanishHispanicOrigin", 0, pick(g, 10) ? "0" : "1");
    rc = rc ? rc : put(g, rec, "nameLast", 0, last_names[pick(g, 10)]);
    rc = rc ? rc : put(g, rec, "nameFirst", 0, first_names[pick(g, 10)]);
    snprintf(buf, sizeof buf, "9%08d", (int)(rnd(g) % 100000000ULL));
    rc = rc ? rc : put(g, rec, "socialSecurityNumber", 0, buf);
    st = pick(g, 5);
    rc = rc ? rc : put(g, rec, "birthplaceState", 0, states[st][0]);
    rc = rc ? rc : put(g, rec, "birthplaceCountry", 0, "USA");
    if (rc < 0)
        return rc;
    /* Diagnoses after age 20, in order, within the years the layout's version covers. */
    year0 = dob.y + 20 > 2000 ? dob.y + 20 : 2000;
    if (crtk_layout_version(g->layout) >= 180 && year0 < 2018)
        year0 = 2018;
    if (year0 > g->opts.max_dx_year)
        year0 = g->opts.max_dx_year;
    for (t = 0; t < ntum; t++) {
        dx[t] = rand_date(g, year0, g->opts.max_dx_year);
        if (t && cmp_date(dx[t], dx[t - 1]) < 0) {
            ymd tmp = dx[t];
            dx[t] = dx[t - 1];
            dx[t - 1] = tmp;
        }
    }
    dlc = dx[ntum - 1];
    dlc.y += pick(g, 2);
    if (dlc.y > g->opts.max_dx_year)
        dlc.y = g->opts.max_dx_year;
    if (dlc.d > days_in(dlc.y, dlc.m))
        dlc.d = days_in(dlc.y, dlc.m); /* 29 February of a leap year, a year on */
    if (cmp_date(dlc, dx[ntum - 1]) < 0)
        dlc = dx[ntum - 1];
    dead = pick(g, 100) < 20;
    fmt_date(buf, dlc);
    rc = put(g, rec, "dateOfLastContact", 0, buf);
    rc = rc ? rc : put(g, rec, "vitalStatus", 0, dead ? "0" : "1");
    rc = rc ? rc : put(g, rec, "causeOfDeath", 0, dead ? "C349" : "0000");
    rc = rc ? rc : put(g, rec, "icdRevisionNumber", 0, dead ? "1" : "0");
    if (rc < 0)
        return rc;
    for (t = 0; t < ntum; t++) {
        const tcase *c;
        int age, k, u, tries = 0;
        bool clash;
        if ((rc = crtk_record_add_tumor(rec)) < 0)
            return rc;
        /* A case of the patient's sex, at a site (3 characters) none of the patient's other
         * tumors has: two tumors of one site would look like one tumor reported twice. */
        do {
            c = &cases[pick(g, (int)(sizeof cases / sizeof cases[0]))];
            clash = c->sex && c->sex != sex;
            for (u = 0; u < t && !clash; u++)
                clash = !strncmp(used[u], c->site, 3);
            tries++;
        } while (clash && tries < 200);
        if (clash)
            c = &cases[3 + t]; /* lung, colon, rectum: any sex, distinct sites */
        used[t] = c->site;
        fmt_date(dx_s, dx[t]);
        age = dx[t].y - dob.y - ((dx[t].m < dob.m || (dx[t].m == dob.m && dx[t].d < dob.d)));
        snprintf(buf, sizeof buf, "%02d", ntum == 1 ? 0 : t + 1);
        rc = put(g, rec, "sequenceNumberCentral", t, buf);
        rc = rc ? rc : put(g, rec, "sequenceNumberHospital", t, buf);
        snprintf(buf, sizeof buf, "%02d", t + 1);
        rc = rc ? rc : put(g, rec, "tumorRecordNumber", t, buf);
        rc = rc ? rc : put(g, rec, "dateOfDiagnosis", t, dx_s);
        snprintf(buf, sizeof buf, "%03d", age);
        rc = rc ? rc : put(g, rec, "ageAtDiagnosis", t, buf);
        rc = rc ? rc : put(g, rec, "primarySite", t, c->site);
        rc = rc ? rc : put(g, rec, "histologicTypeIcdO3", t, c->hist);
        rc = rc ? rc : put(g, rec, "behaviorCodeIcdO3", t, c->beh);
        rc = rc ? rc : put(g, rec, "laterality", t, c->paired ? (pick(g, 2) ? "1" : "2") : "0");
        rc = rc ? rc : put(g, rec, "diagnosticConfirmation", t, c->dxconf);
        rc = rc ? rc : put(g, rec, "typeOfReportingSource", t, "1");
        rc = rc ? rc : put(g, rec, "addrAtDxState", t, states[st][0]);
        rc = rc ? rc : put(g, rec, "addrAtDxCity", t, states[st][1]);
        rc = rc ? rc : put(g, rec, "addrAtDxPostalCode", t, states[st][2]);
        rc = rc ? rc : put(g, rec, "addrAtDxCountry", t, "USA");
        snprintf(buf, sizeof buf, "%03d", 1 + 2 * pick(g, 50));
        rc = rc ? rc : put(g, rec, "countyAtDx", t, buf);
        rc = rc ? rc : put(g, rec, "classOfCase", t, "10");
        /* Surgery of the primary site: item 1290 through 2022, item 1291 from 2023; the
         * hematopoietic sites C420-C424 take code 98 (not applicable). */
        if (dx[t].y < 2023)
            rc = rc ? rc
                    : put(g, rec, "rxSummSurgPrimSite", t,
                          !strncmp(c->site, "C42", 3) ? "98" : "00");
        else
            rc = rc ? rc
                    : put(g, rec, "rxSummSurgPrimSite2023", t,
                          !strncmp(c->site, "C42", 3) ? "A980" : "A000");
        rc = rc ? rc : put(g, rec, "rxSummRadiation", t, "0");
        rc = rc ? rc : put(g, rec, "rxSummChemo", t, "00");
        rc = rc ? rc : put(g, rec, "rxSummHormone", t, "00");
        rc = rc ? rc : put(g, rec, "ambiguousTerminologyDx", t, "0");
        rc = rc ? rc : put(g, rec, "multTumRptAsOnePrim", t, "00");
        rc = rc ? rc : put(g, rec, "multiplicityCounter", t, "01");
        rc = rc ? rc : put(g, rec, "accessionNumberHosp", t, "202400001");
        for (k = 0; !rc && k < 1; k++)
            rc = put(g, rec, "textRemarks", t, "Synthetic record & test data <not a patient>");
        if (rc < 0)
            return rc;
    }
    g->made += ntum;
    return 1;
}
