/* Unit tests of the checker: edits compiled against a layout and run on records. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "crtk/check.h"
#include "crtk/editdb.h"
#include "crtk/layouts.h"
#include "crtk/record.h"

static crtk_layouts *ls;
static const crtk_layout *l250;
static crtk_record *rec;

typedef struct got {
    int n;
    char tags[16][16];
    char msgs[16][160];
    int tumor[16], other[16];
    char values[16][64];
} got;

static void collect(void *ctx, const crtk_record *r, const crtk_check_failure *f)
{
    got *g = ctx;
    (void)r;
    if (g->n == 16)
        return;
    snprintf(g->tags[g->n], sizeof g->tags[0], "%s", f->tag);
    snprintf(g->msgs[g->n], sizeof g->msgs[0], "%s", f->message);
    g->tumor[g->n] = f->tumor;
    g->other[g->n] = f->other_tumor;
    snprintf(g->values[g->n], sizeof g->values[0], "%s", f->nfields ? f->field_values[0] : "");
    g->n++;
}

static void setup(void)
{
    ck_assert_int_eq(crtk_layouts_new(&ls, NULL), CRTK_OK);
    l250 = crtk_layouts_dictionary(ls, 250);
    ck_assert_int_eq(crtk_record_new(&rec), CRTK_OK);
}

static void teardown(void)
{
    crtk_record_free(rec);
    crtk_layouts_free(ls);
}

static void set(const char *id, int tumor, const char *v)
{
    const crtk_item *it = crtk_layout_find(l250, id);
    ck_assert_ptr_nonnull(it);
    ck_assert_int_eq(crtk_record_set(rec, it, tumor, v, strlen(v)), CRTK_OK);
}

static crtk_editdb *mini(void)
{
    crtk_editdb *db = NULL;
    crtk_error err = CRTK_ERROR_INIT;
    ck_assert_msg(crtk_editdb_load_dir(&db, CRTK_TEST_DATA "/edits-mini", &err) == CRTK_OK, "%s",
                  err.message);
    return db;
}

START_TEST(test_edits_run_per_tumor_and_per_pair)
{
    crtk_editdb *db = mini();
    crtk_checker *c = NULL;
    crtk_check_state *st = NULL;
    crtk_check_opts o = CRTK_CHECK_OPTS_INIT;
    crtk_error err = CRTK_ERROR_INIT;
    got g;
    long runs = 0;

    o.set = "all";
    o.today = "20261123";
    ck_assert_int_eq(crtk_checker_new(&c, db, l250, &o, &err), CRTK_OK);
    ck_assert_int_eq(crtk_checker_edit_count(c), 4);
    ck_assert_int_eq(crtk_checker_skipped_count(c), 0);
    ck_assert(crtk_checker_edit_is_inter_record(c, 3));
    ck_assert(!crtk_checker_edit_is_inter_record(c, 0));
    ck_assert_int_eq(crtk_check_state_new(&st, c), CRTK_OK);

    ck_assert_int_eq(crtk_record_reset(rec, l250), CRTK_OK);
    set("patientIdNumber", 0, "00000001");
    ck_assert_int_eq(crtk_record_add_tumor(rec), 0);
    ck_assert_int_eq(crtk_record_add_tumor(rec), 1);
    ck_assert_int_eq(crtk_record_add_tumor(rec), 2);
    set("primarySite", 0, "C509");
    set("laterality", 0, "0"); /* T002: breast needs laterality */
    set("sequenceNumberCentral", 0, "01");
    set("primarySite", 1, "C189");
    set("laterality", 1, "0");
    set("sequenceNumberCentral", 1, "01"); /* T004: duplicate of tumor 0 */
    set("dateOfDiagnosis", 1, "20250230"); /* T003: not a date */
    set("primarySite", 2, "C999");         /* T001: not in SITES */
    set("sequenceNumberCentral", 2, "03");
    memset(&g, 0, sizeof g);
    ck_assert_int_eq(crtk_check_record(st, rec, collect, &g, &runs), CRTK_OK);
    /* 3 tumors x 3 single-record edits + 3 pairs x 1 inter-record edit */
    ck_assert_int_eq(runs, 12);
    ck_assert_int_eq(g.n, 4);
    ck_assert_str_eq(g.tags[0], "T002");
    ck_assert_int_eq(g.tumor[0], 0);
    ck_assert_str_eq(g.msgs[0], "Primary Site and Laterality conflict");
    ck_assert_str_eq(g.tags[1], "T003");
    ck_assert_int_eq(g.tumor[1], 1);
    ck_assert_ptr_nonnull(strstr(g.msgs[1], "Date of Diagnosis is invalid"));
    ck_assert_str_eq(g.tags[2], "T001");
    ck_assert_int_eq(g.tumor[2], 2);
    ck_assert_str_eq(g.msgs[2], "Primary Site \"C999\" is not valid");
    ck_assert_str_eq(g.tags[3], "T004");
    ck_assert_int_eq(g.tumor[3], 0);
    ck_assert_int_eq(g.other[3], 1);
    ck_assert_str_eq(g.values[3], "01");

    /* Reusing the state on another patient sees only its values. */
    ck_assert_int_eq(crtk_record_reset(rec, l250), CRTK_OK);
    ck_assert_int_eq(crtk_record_add_tumor(rec), 0);
    set("primarySite", 0, "C619");
    memset(&g, 0, sizeof g);
    ck_assert_int_eq(crtk_check_record(st, rec, collect, &g, &runs), CRTK_OK);
    ck_assert_int_eq(g.n, 0);
    ck_assert_int_eq(runs, 3);

    crtk_check_state_free(st);
    crtk_checker_free(c);
    crtk_editdb_free(db);
}
END_TEST

START_TEST(test_blank_values_are_padded_to_the_field_width)
{
    crtk_editdb *db = mini();
    crtk_checker *c = NULL;
    crtk_check_state *st = NULL;
    crtk_check_opts o = CRTK_CHECK_OPTS_INIT;
    got g;

    ck_assert_int_eq(crtk_checker_new(&c, db, l250, &o, NULL), CRTK_OK);
    ck_assert_int_eq(crtk_check_state_new(&st, c), CRTK_OK);
    ck_assert_int_eq(crtk_record_reset(rec, l250), CRTK_OK);
    ck_assert_int_eq(crtk_record_add_tumor(rec), 0);
    set("primarySite", 0, "C9");
    memset(&g, 0, sizeof g);
    ck_assert_int_eq(crtk_check_record(st, rec, collect, &g, NULL), CRTK_OK);
    ck_assert_int_eq(g.n, 1);
    ck_assert_str_eq(g.values[0], "C9  "); /* 4 wide, blank-filled */
    crtk_check_state_free(st);
    crtk_checker_free(c);
    crtk_editdb_free(db);
}
END_TEST

START_TEST(test_unknown_set_and_uncompilable_edits)
{
    crtk_editdb *db = mini();
    crtk_checker *c = NULL;
    crtk_check_opts o = CRTK_CHECK_OPTS_INIT;
    crtk_error err = CRTK_ERROR_INIT;
    const crtk_layout *flat12 = crtk_layouts_flat(ls, 12);

    o.set = "nope";
    ck_assert_int_eq(crtk_checker_new(&c, db, l250, &o, &err), CRTK_EINVALID);
    ck_assert_ptr_null(c);
    ck_assert_ptr_nonnull(strstr(err.message, "nope"));
    /* Every field of the mini edits exists in NAACCR 12 too ... */
    o.set = NULL;
    ck_assert_int_eq(crtk_checker_new(&c, db, flat12, &o, &err), CRTK_OK);
    ck_assert_int_eq(crtk_checker_skipped_count(c), 0);
    crtk_checker_free(c);
    crtk_editdb_free(db);
}
END_TEST

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    FILE *f;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

START_TEST(test_an_edit_that_does_not_compile_is_skipped_not_fatal)
{
    char dir[] = "/tmp/crtk-check-XXXXXX", sub[600];
    crtk_editdb *db = NULL;
    crtk_checker *c = NULL;
    crtk_error err = CRTK_ERROR_INIT;

    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(sub, sizeof sub, "%s/edits", dir);
    mkdir(sub, 0700);
    write_file(dir, "metafile.txt", "[control]\n[agencies]\n");
    write_file(dir, "fields.txt", "400 4 Char Primary Site\n9999 3 Char Not A NAACCR Item\n");
    write_file(dir, "messages.txt", "1000 E %F1 bad\n");
    write_file(dir, "edits/GOOD.edit",
               "tag: GOOD\nname: Good\nfield: 400 Primary Site\n"
               "message: 1000\nlogic:\nreturn PASS;\n");
    write_file(dir, "edits/SYNTAX.edit",
               "tag: SYNTAX\nname: Syntax\nmessage: 1000\nlogic:\n"
               "if (1 return PASS;\n");
    write_file(dir, "edits/FIELD.edit",
               "tag: FIELD\nname: Field\nfield: 9999 Not A NAACCR Item\n"
               "message: 1000\nlogic:\n"
               "if (EMPTY(#S\"Not A NAACCR Item\")) return PASS;\n"
               "return FAIL;\n");
    ck_assert_msg(crtk_editdb_load_dir(&db, dir, &err) == CRTK_OK, "%s:%ld: %s", err.source,
                  err.line, err.message);
    ck_assert_int_eq(crtk_checker_new(&c, db, l250, NULL, &err), CRTK_OK);
    ck_assert_int_eq(crtk_checker_edit_count(c), 1);
    ck_assert_int_eq(crtk_checker_skipped_count(c), 2);
    ck_assert_str_eq(crtk_checker_skipped_tag(c, 0), "FIELD");
    ck_assert_ptr_nonnull(strstr(crtk_checker_skipped_error(c, 0)->message, "unknown field"));
    ck_assert_str_eq(crtk_checker_skipped_tag(c, 1), "SYNTAX");
    ck_assert_int_eq(crtk_checker_skipped_error(c, 1)->line, 1);
    crtk_checker_free(c);
    crtk_editdb_free(db);
    snprintf(sub, sizeof sub, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(sub), 0);
}
END_TEST

static Suite *check_suite(void)
{
    Suite *s = suite_create("check");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_edits_run_per_tumor_and_per_pair);
    tcase_add_test(tc, test_blank_values_are_padded_to_the_field_width);
    tcase_add_test(tc, test_unknown_set_and_uncompilable_edits);
    tcase_add_test(tc, test_an_edit_that_does_not_compile_is_skipped_not_fatal);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(check_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
