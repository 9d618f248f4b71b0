/* check_shipped_edits.c - tests of the standard edits shipped in edits/ (issue 4).
 *
 * Reads the table-driven cases of tests/edits/ *.cases (format in tests/edits/README.md):
 * each line names an edit, the expected result (PASS or FAIL), field values and, for FAIL,
 * a substring of the expected message. A case runs on a record built from its values only
 * (every other item blank), except in seeded.cases where the values are seeded into a clean
 * generated patient. Also checked: every edit compiles (against the NAACCR 250 or 260
 * dictionary or the NAACCR 18 layout, whichever has its fields), every edit has a passing
 * and a failing case, the edit sets exist, and generated files pass every edit of "all". */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crtk/check.h"
#include "crtk/editdb.h"
#include "crtk/generate.h"
#include "crtk/layouts.h"
#include "crtk/record.h"

#ifndef CRTK_EDITS_DIR
#error "CRTK_EDITS_DIR must name the shipped edits folder"
#endif
#ifndef CRTK_EDITS_CASES
#error "CRTK_EDITS_CASES must name tests/edits"
#endif

#define TODAY      "20250615"
#define MAX_VALUES 32

typedef struct tcase {
    char file[64];
    int line;
    char tag[32];
    int expect_fail;
    int nvals;
    int tumor[MAX_VALUES]; /* 0-based */
    char item[MAX_VALUES][48];
    char value[MAX_VALUES][128];
    char message[256];
    int seeded;
} tcase;

static crtk_layouts *g_ls;
static crtk_checker *g_first; /* the 250 checker while the 260 cases run */
static crtk_editdb *g_db;
static tcase *g_cases;
static int g_ncases;

static void load_all(void)
{
    crtk_error err = CRTK_ERROR_INIT;

    if (g_db)
        return;
    ck_assert_int_eq(crtk_layouts_new(&g_ls, &err), CRTK_OK);
    if (crtk_editdb_load_dir(&g_db, CRTK_EDITS_DIR, &err) != CRTK_OK)
        ck_abort_msg("cannot load %s: %s:%ld: %s", CRTK_EDITS_DIR, err.source, err.line,
                     err.message);
}

/* ---- case files ---- */

static char *token(char **pp)
{
    char *p = *pp, *s;

    while (*p == ' ' || *p == '\t')
        p++;
    if (!*p || *p == '\n')
        return NULL;
    s = p;
    while (*p && *p != ' ' && *p != '\t' && *p != '\n') {
        if (*p == '"') { /* a quoted part runs to the next quote */
            char *q = strchr(p + 1, '"');
            p = q ? q + 1 : p + strlen(p);
            continue;
        }
        p++;
    }
    if (*p)
        *p++ = '\0';
    *pp = p;
    return s;
}

static void unquote(char *dst, size_t cap, const char *s)
{
    size_t n = 0;

    for (; *s && n + 1 < cap; s++)
        if (*s != '"')
            dst[n++] = *s;
    dst[n] = '\0';
}

static void parse_case_file(const char *dir, const char *name)
{
    char path[512], line[4096];
    FILE *f;
    int ln = 0;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    while (fgets(line, sizeof line, f)) {
        char *p = line, *t;
        tcase c;

        ln++;
        t = token(&p);
        if (!t || t[0] == '#')
            continue;
        memset(&c, 0, sizeof c);
        snprintf(c.file, sizeof c.file, "%s", name);
        c.line = ln;
        c.seeded = strcmp(name, "seeded.cases") == 0;
        snprintf(c.tag, sizeof c.tag, "%s", t);
        t = token(&p);
        ck_assert_msg(t && (!strcmp(t, "PASS") || !strcmp(t, "FAIL")),
                      "%s:%d: expected PASS or FAIL", name, ln);
        c.expect_fail = !strcmp(t, "FAIL");
        while ((t = token(&p))) {
            char *eq;
            if (!strcmp(t, "~")) {
                t = token(&p);
                ck_assert_msg(t != NULL, "%s:%d: message expected after ~", name, ln);
                unquote(c.message, sizeof c.message, t);
                break;
            }
            eq = strchr(t, '=');
            ck_assert_msg(eq && c.nvals < MAX_VALUES, "%s:%d: bad value \"%s\"", name, ln, t);
            *eq = '\0';
            {
                char *colon = strchr(t, ':');
                c.tumor[c.nvals] = 0;
                if (colon) {
                    *colon = '\0';
                    c.tumor[c.nvals] = atoi(t) - 1;
                    t = colon + 1;
                }
            }
            snprintf(c.item[c.nvals], sizeof c.item[0], "%s", t);
            unquote(c.value[c.nvals], sizeof c.value[0], eq + 1);
            c.nvals++;
        }
        g_cases = realloc(g_cases, (size_t)(g_ncases + 1) * sizeof *g_cases);
        ck_assert_ptr_nonnull(g_cases);
        g_cases[g_ncases++] = c;
    }
    fclose(f);
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void load_cases(void)
{
    DIR *d;
    struct dirent *de;
    char *names[64];
    int n = 0;

    if (g_cases)
        return;
    d = opendir(CRTK_EDITS_CASES);
    ck_assert_msg(d != NULL, "cannot list %s", CRTK_EDITS_CASES);
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (l > 6 && !strcmp(de->d_name + l - 6, ".cases") && n < 64)
            names[n++] = strdup(de->d_name);
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof *names, cmp_names);
    for (int i = 0; i < n; i++) {
        parse_case_file(CRTK_EDITS_CASES, names[i]);
        free(names[i]);
    }
    ck_assert_int_gt(g_ncases, 0);
}

/* ---- running ---- */

/* Edits that generated data fails because the generator (src/lib/generate.c) writes
 * values the standard rejects; reported to the generator's owner. Their failures on
 * generated data are counted and printed, not fatal. Empty this list once fixed. */
static const char *const generator_known_issues[] = {NULL};

static bool known_issue(const char *tag)
{
    for (int i = 0; generator_known_issues[i]; i++)
        if (!strcmp(generator_known_issues[i], tag))
            return true;
    return false;
}

typedef struct hits {
    const char *tag; /* NULL: collect every failure */
    bool skip_known; /* ignore generator_known_issues (counted in known) */
    int known;
    int n;
    char message[512];
    int total;
    char first[20][300];
} hits;

static void on_fail(void *ctx, const crtk_record *rec, const crtk_check_failure *f)
{
    hits *h = ctx;

    (void)rec;
    if (h->tag && strcmp(h->tag, f->tag))
        return;
    if (h->skip_known && known_issue(f->tag)) {
        h->known++;
        return;
    }
    if (!h->n)
        snprintf(h->message, sizeof h->message, "%s", f->message);
    h->n++;
    if (h->total < 20) {
        char vals[200] = "";
        for (size_t i = 0; i < f->nfields && strlen(vals) < 150; i++) {
            strncat(vals, f->field_values[i], sizeof vals - strlen(vals) - 4);
            strcat(vals, "|");
        }
        snprintf(h->first[h->total], sizeof h->first[0], "%s (tumor %d): %s [%s]", f->tag, f->tumor,
                 f->message, vals);
    }
    h->total++;
}

static const crtk_item *item_of(const crtk_layout *l, const char *name)
{
    const crtk_item *it = crtk_layout_find(l, name);
    if (!it && name[0] >= '0' && name[0] <= '9')
        it = crtk_layout_find_num(l, atoi(name));
    return it;
}

static int
set_case_values(crtk_record *rec, const crtk_layout *l, const tcase *c, char *why, size_t cap)
{
    for (int i = 0; i < c->nvals; i++) {
        const crtk_item *it = item_of(l, c->item[i]);
        if (!it) {
            snprintf(why, cap, "unknown item %s", c->item[i]);
            return -1;
        }
        while (crtk_record_tumor_count(rec) <= c->tumor[i])
            if (crtk_record_add_tumor(rec) < 0)
                return -1;
        if (!c->value[i][0])
            crtk_record_unset(rec, it, c->tumor[i]);
        else if (crtk_record_set(rec, it, c->tumor[i], c->value[i], strlen(c->value[i])) < 0) {
            snprintf(why, cap, "cannot set %s", c->item[i]);
            return -1;
        }
    }
    return 0;
}

static crtk_checker *new_checker(const crtk_layout *l, const char *set)
{
    crtk_check_opts o = CRTK_CHECK_OPTS_INIT;
    crtk_error err = CRTK_ERROR_INIT;
    crtk_checker *c = NULL;

    o.set = set;
    o.today = TODAY;
    if (crtk_checker_new(&c, g_db, l, &o, &err) != CRTK_OK)
        ck_abort_msg("checker: %s", err.message);
    return c;
}

static bool edit_fits(const crtk_editdb_edit *e, const crtk_layout *l)
{
    for (size_t i = 0; i < crtk_editdb_edit_field_count(e); i++)
        if (!crtk_layout_find_num(l, (int)crtk_editdb_edit_field_number(e, i)))
            return false;
    return true;
}

/* Every edit compiles against the layouts that hold its fields; the only edits a layout
 * skips are those with a field it lacks. */
START_TEST(test_every_edit_compiles)
{
    const crtk_layout *ls[3];
    int nok = 0;

    load_all();
    ls[0] = crtk_layouts_dictionary(g_ls, 250);
    ls[1] = crtk_layouts_dictionary(g_ls, 260);
    ls[2] = crtk_layouts_flat(g_ls, 180);
    for (int k = 0; k < 3; k++) {
        crtk_checker *c;
        ck_assert_ptr_nonnull(ls[k]);
        c = new_checker(ls[k], NULL);
        for (int i = 0; i < crtk_checker_skipped_count(c); i++) {
            const char *tag = crtk_checker_skipped_tag(c, i);
            const crtk_editdb_edit *e = crtk_editdb_find_edit(g_db, tag);
            if (e && !edit_fits(e, ls[k]))
                continue;
            ck_abort_msg("%s: edit %s does not compile: %s", crtk_layout_name(ls[k]), tag,
                         crtk_checker_skipped_error(c, i)->message);
        }
        crtk_checker_free(c);
    }
    for (size_t i = 0; i < crtk_editdb_edit_count(g_db); i++) {
        const crtk_editdb_edit *e = crtk_editdb_edit_at(g_db, i);
        bool fits = false;
        for (int k = 0; k < 3; k++)
            fits = fits || edit_fits(e, ls[k]);
        ck_assert_msg(fits, "edit %s: no layout holds all its fields", crtk_editdb_edit_tag(e));
        nok++;
    }
    ck_assert_int_gt(nok, 600);
}
END_TEST

START_TEST(test_sets_exist)
{
    static const char *const sets[] = {"validity", "hospital-to-state", "npcr", "naaccr-cfd",
                                       "seer",     "coc-ncdb",          "all"};
    const crtk_editdb_set *all;

    load_all();
    for (size_t i = 0; i < sizeof sets / sizeof *sets; i++)
        ck_assert_msg(crtk_editdb_find_set(g_db, sets[i]), "no set %s", sets[i]);
    all = crtk_editdb_find_set(g_db, "all");
    ck_assert_uint_eq(crtk_editdb_set_edit_count(all), crtk_editdb_edit_count(g_db));
}
END_TEST

static int run_case(crtk_checker *chk,
                    crtk_check_state *st,
                    crtk_record *rec,
                    crtk_generator *gen,
                    const tcase *c,
                    char *why,
                    size_t cap)
{
    const crtk_layout *l = crtk_checker_layout(chk);
    hits h;
    long runs = 0;

    memset(&h, 0, sizeof h);
    h.tag = c->tag;
    if (c->seeded) {
        if (crtk_generator_next(gen, rec) != 1) {
            snprintf(why, cap, "generator ran dry");
            return -1;
        }
    } else if (crtk_record_reset(rec, l) < 0 || crtk_record_add_tumor(rec) < 0) {
        snprintf(why, cap, "cannot make a record");
        return -1;
    }
    if (set_case_values(rec, l, c, why, cap) < 0)
        return -1;
    if (crtk_check_record(st, rec, on_fail, &h, &runs) != CRTK_OK) {
        snprintf(why, cap, "check failed");
        return -1;
    }
    if (c->expect_fail && !h.n) {
        snprintf(why, cap, "expected FAIL, the edit passed");
        return -1;
    }
    if (!c->expect_fail && h.n) {
        snprintf(why, cap, "expected PASS, failed: %s", h.message);
        return -1;
    }
    if (c->expect_fail && c->message[0] && !strstr(h.message, c->message)) {
        snprintf(why, cap, "message \"%.200s\" lacks \"%.100s\"", h.message, c->message);
        return -1;
    }
    return 0;
}

/* The cases of the edits that run on layout l (and, with only_new, not on `skip`). */
static void run_cases_on(const crtk_layout *l, const crtk_checker *skip, int *bad, int *known)
{
    crtk_checker *chk;
    crtk_check_state *st;
    crtk_record *rec;
    crtk_generator *gen;
    crtk_generate_opts go = CRTK_GENERATE_OPTS_INIT;
    crtk_error err = CRTK_ERROR_INIT;

    chk = new_checker(l, NULL);
    ck_assert_int_eq(crtk_check_state_new(&st, chk), CRTK_OK);
    ck_assert_int_eq(crtk_record_new(&rec), CRTK_OK);
    go.tumors = 1000000;
    go.seed = 7;
    ck_assert_int_eq(crtk_generator_new(&gen, l, &go, &err), CRTK_OK);
    for (int i = 0; i < g_ncases; i++) {
        const tcase *c = &g_cases[i];
        char why[600];
        int k;
        if (skip) {
            for (k = 0; k < crtk_checker_edit_count(skip); k++)
                if (!strcmp(crtk_checker_edit_tag(skip, k), c->tag))
                    break;
            if (k < crtk_checker_edit_count(skip))
                continue; /* ran on the first layout */
        }
        for (k = 0; k < crtk_checker_edit_count(chk); k++)
            if (!strcmp(crtk_checker_edit_tag(chk, k), c->tag))
                break;
        if (k == crtk_checker_edit_count(chk)) {
            if (skip) {
                fprintf(stderr,
                        "%s:%d: edit %s is not in edits/ (or compiles on neither 250 "
                        "nor 260)\n",
                        c->file, c->line, c->tag);
                (*bad)++;
            }
            continue;
        }
        (*known)++;
        if (run_case(chk, st, rec, gen, c, why, sizeof why) < 0) {
            fprintf(stderr, "%s:%d: %s (%s): %s\n", c->file, c->line, c->tag, crtk_layout_name(l),
                    why);
            (*bad)++;
        }
    }
    crtk_generator_free(gen);
    crtk_record_free(rec);
    crtk_check_state_free(st);
    if (!skip) {
        /* keep the 250 checker for the second pass */
        g_first = chk;
        return;
    }
    crtk_checker_free(chk);
}

START_TEST(test_cases)
{
    int bad = 0, known = 0;

    load_all();
    load_cases();
    /* Cases run on NAACCR 250; edits of items 250 lacks (v26 only) run on 260. */
    run_cases_on(crtk_layouts_dictionary(g_ls, 250), NULL, &bad, &known);
    run_cases_on(crtk_layouts_dictionary(g_ls, 260), g_first, &bad, &known);
    crtk_checker_free(g_first);
    g_first = NULL;
    ck_assert_msg(bad == 0, "%d of %d cases failed (details on stderr)", bad, g_ncases);
    ck_assert_int_gt(known, 1000);
}
END_TEST

/* Every edit that runs on a NAACCR 250 record has a passing and a failing case. */
START_TEST(test_every_edit_has_cases)
{
    const crtk_layout *l;
    int missing = 0;

    load_all();
    load_cases();
    l = crtk_layouts_dictionary(g_ls, 250);
    for (size_t i = 0; i < crtk_editdb_edit_count(g_db); i++) {
        const crtk_editdb_edit *e = crtk_editdb_edit_at(g_db, i);
        const char *tag = crtk_editdb_edit_tag(e);
        int pass = 0, fail = 0;
        if (!edit_fits(e, l))
            continue;
        for (int k = 0; k < g_ncases; k++)
            if (!strcmp(g_cases[k].tag, tag)) {
                pass += !g_cases[k].expect_fail;
                fail += g_cases[k].expect_fail;
            }
        if (!pass || !fail) {
            fprintf(stderr, "edit %s: %d passing and %d failing cases\n", tag, pass, fail);
            missing++;
        }
    }
    ck_assert_msg(missing == 0, "%d edits lack a passing or a failing case", missing);
}
END_TEST

/* A generated file passes every edit of "all". */
static void generated_clean(unsigned long seed)
{
    const crtk_layout *l;
    crtk_checker *chk;
    crtk_check_state *st;
    crtk_record *rec;
    crtk_generator *gen;
    crtk_generate_opts go = CRTK_GENERATE_OPTS_INIT;
    crtk_error err = CRTK_ERROR_INIT;
    hits h;
    long tumors = 0;

    load_all();
    l = crtk_layouts_dictionary(g_ls, 250);
    chk = new_checker(l, "all");
    ck_assert_int_eq(crtk_check_state_new(&st, chk), CRTK_OK);
    ck_assert_int_eq(crtk_record_new(&rec), CRTK_OK);
    go.tumors = 2000;
    go.seed = seed;
    ck_assert_int_eq(crtk_generator_new(&gen, l, &go, &err), CRTK_OK);
    memset(&h, 0, sizeof h);
    h.skip_known = true;
    while (crtk_generator_next(gen, rec) == 1) {
        tumors += crtk_record_tumor_count(rec);
        ck_assert_int_eq(crtk_check_record(st, rec, on_fail, &h, NULL), CRTK_OK);
    }
    for (int i = 0; i < h.total && i < 20; i++)
        fprintf(stderr, "seed %lu: %s\n", seed, h.first[i]);
    if (h.known)
        fprintf(stderr,
                "seed %lu: %d failures of edits with known generator issues "
                "(generator_known_issues)\n",
                seed, h.known);
    ck_assert_int_eq(tumors, 2000);
    ck_assert_msg(h.total == 0, "seed %lu: %d failures on generated data, first: %s", seed, h.total,
                  h.first[0]);
    crtk_generator_free(gen);
    crtk_record_free(rec);
    crtk_check_state_free(st);
    crtk_checker_free(chk);
}

START_TEST(test_generated_seed1)
{
    generated_clean(1);
}
END_TEST

START_TEST(test_generated_seed2)
{
    generated_clean(2);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("shipped-edits");
    TCase *tc = tcase_create("edits");
    SRunner *sr;
    int nf;

    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_every_edit_compiles);
    tcase_add_test(tc, test_sets_exist);
    tcase_add_test(tc, test_cases);
    tcase_add_test(tc, test_every_edit_has_cases);
    tcase_add_test(tc, test_generated_seed1);
    tcase_add_test(tc, test_generated_seed2);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    nf = srunner_ntests_failed(sr);
    srunner_free(sr);
    crtk_editdb_free(g_db);
    crtk_layouts_free(g_ls);
    free(g_cases);
    return nf == 0 ? 0 : 1;
}
