/* Unit tests of the export pipeline on generated data: counts checked against the input,
 * the three gate policies, --since-last over three runs, remake byte for byte,
 * de-identification in every file written, user dictionaries, and all or nothing (a bad
 * input or a cancelled run leaves nothing and the history unchanged). */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include "crtk/generate.h"
#include "crtk/writer.h"
#include "export/export_internal.h"

#define EDITS CRTK_TEST_DATA "/edits-mini"

static char dir[256], in[300];
static crtk_layouts *ls;

/* Generated v25 file; every 7th patient's first tumor gets an invalid site (fails T001). */
static void make_input(const char *path, long tumors, unsigned long seed, int bad_every)
{
    crtk_generate_opts go = CRTK_GENERATE_OPTS_INIT;
    crtk_writer_opts wo = CRTK_WRITER_OPTS_INIT;
    crtk_generator *g = NULL;
    crtk_writer *w = NULL;
    crtk_record *rec = NULL;
    const crtk_layout *l = crtk_layouts_dictionary(ls, 250);
    long n = 0;

    go.tumors = tumors;
    go.seed = seed;
    wo.format = CRTK_FORMAT_XML;
    wo.layout = l;
    ck_assert_int_eq(crtk_generator_new(&g, l, &go, NULL), CRTK_OK);
    ck_assert_int_eq(crtk_writer_open(&w, path, &wo, NULL), CRTK_OK);
    ck_assert_int_eq(crtk_record_new(&rec), CRTK_OK);
    while (crtk_generator_next(g, rec) > 0) {
        if (bad_every && ++n % bad_every == 0)
            ck_assert_int_eq(crtk_record_set(rec, crtk_layout_find(l, "primarySite"), 0, "C999", 4),
                             CRTK_OK);
        ck_assert_int_eq(crtk_writer_write(w, rec), CRTK_OK);
    }
    ck_assert_int_eq(crtk_writer_close(w), CRTK_OK);
    crtk_writer_free(w);
    crtk_record_free(rec);
    crtk_generator_free(g);
}

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/crtk-export-test-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    ck_assert_int_eq(crtk_layouts_new(&ls, NULL), CRTK_OK);
    snprintf(in, sizeof in, "%s/in.xml", dir);
    make_input(in, 400, 11, 7);
}

static void rm_rf(const char *d)
{
    DIR *dp = opendir(d);
    struct dirent *e;
    char p[600];
    if (!dp)
        return;
    while ((e = readdir(dp))) {
        struct stat st;
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        snprintf(p, sizeof p, "%s/%s", d, e->d_name);
        if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
            rm_rf(p);
        else
            unlink(p);
    }
    closedir(dp);
    rmdir(d);
}

static void teardown(void)
{
    crtk_layouts_free(ls);
    rm_rf(dir);
}

static int count_entries(const char *d)
{
    DIR *dp = opendir(d);
    struct dirent *e;
    int n = 0;
    ck_assert_ptr_nonnull(dp);
    while ((e = readdir(dp)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(dp);
    return n;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *b;
    long n;
    ck_assert_ptr_nonnull(f);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    b = malloc((size_t)n + 1);
    ck_assert_uint_eq(fread(b, 1, (size_t)n, f), (size_t)n);
    b[n] = '\0';
    fclose(f);
    if (len)
        *len = (size_t)n;
    return b;
}

static crtk_profile *profile(const char *text)
{
    crtk_profile *p = NULL;
    crtk_error err = CRTK_ERROR_INIT;
    ck_assert_msg(crtk_profile_parse(&p, "test", text, strlen(text), &err) == CRTK_OK, "%s",
                  err.message);
    return p;
}

static int
run(crtk_profile *p, const char *out, crtk_export_opts *o, crtk_export_result *res, crtk_error *err)
{
    const char *inputs[1] = {in};
    mkdir(out, 0700);
    o->out_dir = out;
    o->today = o->today ? o->today : "20261201";
    return crtk_export_run(p, ls, inputs, 1, o, res, err);
}

/* Tumors of the input: total, with an invalid site, and those a rule selects. */
typedef struct tally {
    long tumors, bad_site, in_years, patients;
} tally;

static tally count_input(int y0, int y1)
{
    crtk_reader *rd = NULL;
    crtk_record *rec = NULL;
    tally t = {0, 0, 0, 0};
    ck_assert_int_eq(crtk_reader_open(&rd, in, ls, NULL, NULL), CRTK_OK);
    ck_assert_int_eq(crtk_record_new(&rec), CRTK_OK);
    while (crtk_reader_next(rd, rec) > 0) {
        const crtk_layout *l = crtk_record_layout(rec);
        int k, n = crtk_record_tumor_count(rec);
        t.patients++;
        for (k = 0; k < n; k++) {
            const char *dx = crtk_record_get(rec, crtk_layout_find(l, "dateOfDiagnosis"), k, NULL);
            const char *site = crtk_record_get(rec, crtk_layout_find(l, "primarySite"), k, NULL);
            int y = dx ? atoi(dx) / 10000 : 0;
            t.tumors++;
            if (y >= y0 && y <= y1) {
                t.in_years++;
                if (!strcmp(site, "C999"))
                    t.bad_site++;
            }
        }
    }
    crtk_record_free(rec);
    crtk_reader_free(rd);
    return t;
}

/* Tumors in a written file, read back with value checks on: no finding allowed. */
static long reread(const char *path, char rt)
{
    crtk_reader_opts ro = CRTK_READER_OPTS_INIT;
    crtk_reader *rd = NULL;
    crtk_record *rec = NULL;
    long n = 0;
    int rc;
    ro.validate_values = true;
    ck_assert_int_eq(crtk_reader_open(&rd, path, ls, &ro, NULL), CRTK_OK);
    ck_assert_int_eq(crtk_record_new(&rec), CRTK_OK);
    while ((rc = crtk_reader_next(rd, rec)) > 0)
        n += crtk_record_tumor_count(rec);
    ck_assert_int_eq(rc, 0);
    ck_assert_int_eq(crtk_reader_info(rd)->record_type, rt);
    ck_assert_int_eq(crtk_reader_error_count(rd), 0);
    crtk_record_free(rec);
    crtk_reader_free(rd);
    return n;
}

static const char base[] = "record_type = A\nedits = " EDITS "\nedit_set = all\n"
                           "dx_years = 2020..2022\nfile_name = out_{exportDate}.xml\n";

START_TEST(test_gate_exclude_counts_match_input)
{
    tally t = count_input(2020, 2022);
    crtk_profile *p = profile(base);
    crtk_export_opts o = CRTK_EXPORT_OPTS_INIT;
    crtk_export_result res;
    crtk_error err = CRTK_ERROR_INIT;
    char out[300];

    ck_assert_int_eq(crtk_profile_set(p, "gate", "exclude", &err), CRTK_OK);
    snprintf(out, sizeof out, "%s/x", dir);
    ck_assert_msg(run(p, out, &o, &res, &err) == CRTK_OK, "%s", err.message);
    ck_assert_int_gt(t.bad_site, 0);
    ck_assert_int_eq(res.tumors_read, t.tumors);
    ck_assert_int_eq(res.excluded, t.tumors - t.in_years);
    ck_assert_int_eq(res.selected, t.in_years);
    ck_assert_int_ge(res.rejected, t.bad_site); /* T002/T004 may reject more */
    ck_assert_int_eq(res.written + res.rejected, t.in_years);
    ck_assert(!res.blocked);
    ck_assert_int_eq(reread(res.output, 'A'), res.written);
    ck_assert_int_eq(reread(res.rejects, 'A'), res.rejected);
    ck_assert_int_eq(strlen(res.sha256), 64);
    ck_assert_int_eq(count_entries(out), 4); /* output, rejects, two reports: no temp files */
    {
        struct stat st;
        ck_assert_int_eq(stat(res.output, &st), 0);
        ck_assert_int_eq(st.st_mode & 0777, 0600);
    }
    crtk_profile_free(p);
}
END_TEST

START_TEST(test_gate_block_and_warn)
{
    tally t = count_input(2020, 2022);
    crtk_profile *p = profile(base);
    crtk_export_opts o = CRTK_EXPORT_OPTS_INIT;
    crtk_export_result res;
    crtk_error err = CRTK_ERROR_INIT;
    char out[300], *txt;

    snprintf(out, sizeof out, "%s/b", dir);
    ck_assert_int_eq(run(p, out, &o, &res, &err), CRTK_OK);
    ck_assert(res.blocked);
    ck_assert_int_eq(res.written, 0);
    ck_assert_str_eq(res.output, "");
    ck_assert_int_eq(count_entries(out), 2); /* only the reports say why */
    txt = slurp(res.report_text, NULL);
    ck_assert_ptr_nonnull(strstr(txt, "BLOCKED"));
    ck_assert_ptr_nonnull(strstr(txt, "T001"));
    free(txt);

    ck_assert_int_eq(crtk_profile_set(p, "gate", "warn", &err), CRTK_OK);
    snprintf(out, sizeof out, "%s/w", dir);
    ck_assert_int_eq(run(p, out, &o, &res, &err), CRTK_OK);
    ck_assert(!res.blocked);
    ck_assert_int_eq(res.written, t.in_years);
    ck_assert_int_ge(res.edit_failures, t.bad_site);
    ck_assert_int_eq(count_entries(out), 3);
    crtk_profile_free(p);
}
END_TEST

START_TEST(test_since_last_three_runs_and_remake)
{
    crtk_profile *p = profile("record_type = A\nfile_name = out_{exportDate}_{seq}.xml\n");
    crtk_export_opts o = CRTK_EXPORT_OPTS_INIT;
    crtk_export_result r1, r2, r3, rm;
    crtk_error err = CRTK_ERROR_INIT;
    char out[300], hist[300], again[300];
    tally t = count_input(0, 9999);
    char *a, *b;
    size_t la, lb;

    snprintf(out, sizeof out, "%s/s", dir);
    snprintf(hist, sizeof hist, "%s/history.db", dir);
    o.history = hist;
    o.since_last = true;
    ck_assert_msg(run(p, out, &o, &r1, &err) == CRTK_OK, "%s", err.message);
    ck_assert_int_eq(r1.written, t.tumors);
    ck_assert_int_eq(r1.batch, 1);
    ck_assert_int_eq(run(p, out, &o, &r2, &err), CRTK_OK);
    ck_assert_int_eq(r2.written, 0);
    ck_assert_int_eq(r2.excluded, t.tumors);
    /* Change one tumor's value and add patients: only those go. */
    make_input(in, 400, 11, 0); /* same patients, the invalid sites now valid */
    ck_assert_int_eq(run(p, out, &o, &r3, &err), CRTK_OK);
    {
        tally t2 = count_input(0, 9999);
        ck_assert_int_eq(t2.tumors, t.tumors);
    }
    ck_assert_int_gt(r3.written, 0);
    ck_assert_int_lt(r3.written, t.tumors);
    ck_assert_int_eq(r3.batch, 3);

    snprintf(again, sizeof again, "%s/again", dir);
    mkdir(again, 0700);
    ck_assert_msg(crtk_export_remake(hist, 1, again, 0, &rm, &err) == CRTK_OK, "%s", err.message);
    ck_assert_str_eq(rm.sha256, r1.sha256);
    a = slurp(r1.output, &la);
    b = slurp(rm.output, &lb);
    ck_assert_uint_eq(la, lb);
    ck_assert(!memcmp(a, b, la));
    free(a);
    free(b);
    ck_assert_int_eq(crtk_export_remake(hist, 9, again, 0, &rm, &err), CRTK_EARG);
    /* Without the files kept, a batch has its rows but cannot be remade. */
    ck_assert_int_eq(crtk_profile_set(p, "history_files", "no", &err), CRTK_OK);
    ck_assert_int_eq(run(p, out, &o, &r3, &err), CRTK_OK);
    ck_assert_int_eq(r3.batch, 4);
    ck_assert_int_eq(crtk_export_remake(hist, 4, again, 0, &rm, &err), CRTK_EARG);
    ck_assert_ptr_nonnull(strstr(err.message, "history_files"));
    crtk_profile_free(p);
}
END_TEST

static int count_batches(void *ctx, const crtk_export_batch *b)
{
    (*(int *)ctx)++;
    return 0;
}

static int stop_after(void *ctx)
{
    return --*(int *)ctx < 0;
}

START_TEST(test_all_or_nothing)
{
    crtk_profile *p = profile("record_type = A\nfile_name = out_{exportDate}_{seq}.xml\n");
    crtk_export_opts o = CRTK_EXPORT_OPTS_INIT;
    crtk_export_result res;
    crtk_error err = CRTK_ERROR_INIT;
    char out[300], hist[300], *x;
    size_t len;
    int nb = 0, budget = 5;
    FILE *f;

    snprintf(out, sizeof out, "%s/n", dir);
    snprintf(hist, sizeof hist, "%s/history.db", dir);
    o.history = hist;
    ck_assert_int_eq(run(p, out, &o, &res, &err), CRTK_OK);
    ck_assert_int_eq(count_entries(out), 3);
    /* A file cut in the middle of a patient: an error, nothing more written. */
    x = slurp(in, &len);
    f = fopen(in, "wb");
    ck_assert_uint_eq(fwrite(x, 1, len / 2, f), len / 2);
    fclose(f);
    free(x);
    ck_assert_int_lt(run(p, out, &o, &res, &err), 0);
    ck_assert_int_eq(count_entries(out), 3);
    ck_assert_int_eq(crtk_export_history_list(hist, count_batches, &nb, &err), CRTK_OK);
    ck_assert_int_eq(nb, 1);
    /* Cancelled after five patients (as on SIGTERM): the same. */
    make_input(in, 100, 3, 0);
    o.stop = stop_after;
    o.stop_ctx = &budget;
    ck_assert_int_lt(run(p, out, &o, &res, &err), 0);
    ck_assert_int_eq(count_entries(out), 3);
    nb = 0;
    ck_assert_int_eq(crtk_export_history_list(hist, count_batches, &nb, &err), CRTK_OK);
    ck_assert_int_eq(nb, 1);
    /* A new history is not left behind by a failed run either. */
    o.stop_ctx = &budget;
    budget = 0;
    snprintf(hist, sizeof hist, "%s/new-history.db", dir);
    ck_assert_int_lt(run(p, out, &o, &res, &err), 0);
    ck_assert_int_ne(access(hist, F_OK), 0);
    crtk_profile_free(p);
}
END_TEST

/* No identifier of the input in any file the de-identified export writes. */
START_TEST(test_deidentified_leaves_no_identifier)
{
    crtk_profile *p = NULL;
    crtk_export_opts o = CRTK_EXPORT_OPTS_INIT;
    crtk_export_result res, res2;
    crtk_error err = CRTK_ERROR_INIT;
    crtk_reader *rd = NULL;
    crtk_record *rec = NULL;
    char out[300], out2[300], keyf[300];
    char *files[4], *again;
    int i, nf = 0;
    long checked = 0;
    static const char *const ids[] = {
        "patientIdNumber", "nameLast",           "nameFirst",    "socialSecurityNumber",
        "dateOfBirth",     "addrAtDxPostalCode", "addrAtDxCity", "accessionNumberHosp"};

    ck_assert_int_eq(crtk_profile_builtin(&p, "research-deidentified", &err), CRTK_OK);
    ck_assert_int_eq(crtk_profile_set(p, "edits", EDITS, &err), CRTK_OK);
    ck_assert_int_eq(crtk_profile_set(p, "edit_set", "all", &err), CRTK_OK);
    ck_assert_int_eq(crtk_profile_set(p, "gate", "exclude", &err), CRTK_OK);
    /* A key file crtk creates: 0600, and the same key file gives the same output. */
    snprintf(out, sizeof out, "%s/k1", dir);
    snprintf(keyf, sizeof keyf, "%s/key", dir);
    o.key_file = keyf;
    ck_assert_msg(run(p, out, &o, &res, &err) == CRTK_OK, "%s", err.message);
    {
        struct stat st;
        ck_assert_int_eq(stat(keyf, &st), 0);
        ck_assert_int_eq(st.st_mode & 0777, 0600);
        ck_assert_int_eq(st.st_size, 65);
    }
    snprintf(out, sizeof out, "%s/k2", dir);
    ck_assert_int_eq(run(p, out, &o, &res2, &err), CRTK_OK);
    ck_assert_str_eq(res2.sha256, res.sha256);
    /* A fixed key from here on, so the checks below are deterministic. */
    o.key_file = NULL;
    o.key = "registry secret 1";
    snprintf(out, sizeof out, "%s/d", dir);
    ck_assert_msg(run(p, out, &o, &res, &err) == CRTK_OK, "%s", err.message);
    ck_assert_int_gt(res.rejected, 0);
    files[nf++] = slurp(res.output, NULL);
    files[nf++] = slurp(res.rejects, NULL);
    files[nf++] = slurp(res.report_text, NULL);
    files[nf++] = slurp(res.report_html, NULL);
    ck_assert_int_eq(crtk_reader_open(&rd, in, ls, NULL, NULL), CRTK_OK);
    ck_assert_int_eq(crtk_record_new(&rec), CRTK_OK);
    while (crtk_reader_next(rd, rec) > 0) {
        const crtk_layout *l = crtk_record_layout(rec);
        size_t k;
        for (k = 0; k < sizeof ids / sizeof ids[0]; k++) {
            const crtk_item *it = crtk_layout_find(l, ids[k]);
            int t, nt = it->level == CRTK_LEVEL_TUMOR ? crtk_record_tumor_count(rec) : 1;
            for (t = 0; t < nt; t++) {
                const char *v = crtk_record_get(rec, it, t, NULL);
                char pat[128];
                if (!v || strlen(v) < 4)
                    continue;
                snprintf(pat, sizeof pat, ">%s<", v);
                for (i = 0; i < nf; i++) {
                    ck_assert_msg(!strstr(files[i], pat), "%s %s in file %d", ids[k], v, i);
                    if (strlen(v) >= 5 && strcmp(ids[k], "patientIdNumber"))
                        ck_assert_msg(!strstr(files[i], v), "%s %s in file %d: %.80s", ids[k], v, i,
                                      strstr(files[i], v) - 40);
                }
                checked++;
            }
        }
    }
    ck_assert_int_gt(checked, 1000);
    crtk_record_free(rec);
    crtk_reader_free(rd);
    /* Same key, same pseudonyms: the output is the same file again. */
    snprintf(out2, sizeof out2, "%s/d2", dir);
    ck_assert_int_eq(run(p, out2, &o, &res2, &err), CRTK_OK);
    again = slurp(res2.output, NULL);
    ck_assert_str_eq(again, files[0]);
    free(again);
    ck_assert_str_eq(res2.sha256, res.sha256);
    /* Another key, other pseudonyms. */
    o.key = "another key";
    snprintf(out2, sizeof out2, "%s/d3", dir);
    ck_assert_int_eq(run(p, out2, &o, &res2, &err), CRTK_OK);
    ck_assert_str_ne(res2.sha256, res.sha256);
    for (i = 0; i < nf; i++)
        free(files[i]);
    crtk_profile_free(p);
}
END_TEST

START_TEST(test_user_dictionary_items_follow_their_record_types)
{
    const char *inputs[1];
    crtk_profile *p = NULL;
    crtk_export_opts o = CRTK_EXPORT_OPTS_INIT;
    crtk_export_result res;
    crtk_error err = CRTK_ERROR_INIT;
    char out[300], src[300], prof[600], *x;
    FILE *f;
    static const char xml[] =
        "<?xml version=\"1.0\"?>\n<NaaccrData baseDictionaryUri=\"http://naaccr.org/naaccrxml/"
        "naaccr-dictionary-250.xml\" userDictionaryUri=\"http://example.org/naaccrxml/"
        "state-dict-250.xml\" recordType=\"A\" specificationVersion=\"1.8\" "
        "xmlns=\"http://naaccr.org/naaccrxml\">\n<Patient><Item naaccrId=\"patientIdNumber\">"
        "00000001</Item><Item naaccrId=\"stateFollowupFlag\">1</Item>\n<Tumor><Item "
        "naaccrId=\"primarySite\">C509</Item><Item naaccrId=\"stateRiskScore\">042</Item>"
        "</Tumor></Patient>\n</NaaccrData>\n";

    /* The caller's registry holds the dictionary already (an embedding program read it). */
    ck_assert_int_eq(crtk_layouts_add_dictionary(
                         ls, CRTK_TEST_DATA "/dictionaries/state-dict-250.xml", NULL, &err),
                     CRTK_OK);
    snprintf(src, sizeof src, "%s/state.xml", dir);
    f = fopen(src, "w");
    fputs(xml, f);
    fclose(f);
    snprintf(prof, sizeof prof,
             "record_type = I\ntier = incidence\nuser_dictionary = %s\nfile_name = i.xml\n",
             CRTK_TEST_DATA "/dictionaries/state-dict-250.xml");
    p = profile(prof);
    inputs[0] = src;
    snprintf(out, sizeof out, "%s/u", dir);
    mkdir(out, 0700);
    o.out_dir = out;
    o.today = "20261201";
    ck_assert_msg(crtk_export_run(p, ls, inputs, 1, &o, &res, &err) == CRTK_OK, "%s", err.message);
    x = slurp(res.output, NULL);
    ck_assert_ptr_nonnull(strstr(x, "stateRiskScore\">042<")); /* A,M,C,I */
    ck_assert_ptr_null(strstr(x, "stateFollowupFlag"));        /* A,M */
    ck_assert_ptr_nonnull(strstr(x, "userDictionaryUri=\"http://example.org/naaccrxml/"));
    ck_assert_ptr_nonnull(strstr(x, "timeGenerated=\"2026-12-01T00:00:00Z\""));
    free(x);
    x = slurp(res.report_text, NULL);
    ck_assert_ptr_nonnull(strstr(x, "stateFollowupFlag (#9602): record type I"));
    free(x);
    crtk_profile_free(p);
}
END_TEST

/* A full disk (here: a file size limit) while writing: an error, nothing left behind. */
START_TEST(test_disk_full_leaves_nothing)
{
    crtk_profile *p = profile("record_type = A\nfile_name = out.xml\nhistory = h.db\n");
    crtk_export_opts o = CRTK_EXPORT_OPTS_INIT;
    crtk_export_result res;
    crtk_error err = CRTK_ERROR_INIT;
    struct rlimit old, lim;
    char out[300];
    int rc;

    snprintf(out, sizeof out, "%s/full", dir);
    ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
    lim = old;
    lim.rlim_cur = 64 * 1024; /* the output of 400 tumors is far larger */
    signal(SIGXFSZ, SIG_IGN);
    ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
    rc = run(p, out, &o, &res, &err);
    ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &old), 0);
    signal(SIGXFSZ, SIG_DFL);
    ck_assert_int_eq(rc, CRTK_EIO);
    ck_assert_int_eq(count_entries(out), 0);
    crtk_profile_free(p);
}
END_TEST

static Suite *run_suite(void)
{
    Suite *s = suite_create("export_run");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_gate_exclude_counts_match_input);
    tcase_add_test(tc, test_gate_block_and_warn);
    tcase_add_test(tc, test_since_last_three_runs_and_remake);
    tcase_add_test(tc, test_all_or_nothing);
    tcase_add_test(tc, test_disk_full_leaves_nothing);
    tcase_add_test(tc, test_deidentified_leaves_no_identifier);
    tcase_add_test(tc, test_user_dictionary_items_follow_their_record_types);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(run_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
