/* check_suggest.c - "did you mean": crtk_editdb_suggest_set() and _suggest_edit() on the
 * shipped edits: near tags first (ties in tag order), case-insensitive, substrings, nothing
 * for names far from every tag, never the name itself, at most max results. */
#include "crtk/editdb.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static crtk_editdb *db;

static void setup(void)
{
    crtk_error err = CRTK_ERROR_INIT;
    ck_assert_int_eq(crtk_editdb_load_dir(&db, CRTK_TEST_DATA "/../../edits", &err), CRTK_OK);
}

static void teardown(void)
{
    crtk_editdb_free(db);
}

START_TEST(test_suggest_set)
{
    const char *out[4];
    size_t n;

    n = crtk_editdb_suggest_set(db, "npcrr", out, 4);
    ck_assert_uint_ge(n, 1);
    ck_assert_str_eq(out[0], "npcr");
    n = crtk_editdb_suggest_set(db, "NPCR", out, 4);
    ck_assert_uint_ge(n, 1);
    ck_assert_str_eq(out[0], "npcr");
    n = crtk_editdb_suggest_set(db, "hospital-state", out, 4);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(out[0], "hospital-to-state");
    n = crtk_editdb_suggest_set(db, "hospital", out, 4); /* contained in the tag */
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(out[0], "hospital-to-state");
    ck_assert_uint_eq(crtk_editdb_suggest_set(db, "zzzzzzzzzz", out, 4), 0);
    ck_assert_uint_eq(crtk_editdb_suggest_set(db, "", out, 4), 0);
    /* The exact tag is no suggestion. */
    n = crtk_editdb_suggest_set(db, "seer", out, 4);
    for (size_t i = 0; i < n; i++)
        ck_assert_str_ne(out[i], "seer");
}
END_TEST

START_TEST(test_suggest_edit)
{
    const char *out[16];
    size_t n;

    n = crtk_editdb_suggest_edit(db, "X24", out, 3);
    ck_assert_uint_eq(n, 3);
    ck_assert_str_eq(out[0], "X024"); /* distance 1, first in tag order among the nearest */
    n = crtk_editdb_suggest_edit(db, "x0024", out, 16); /* X002, X004, X024 are 1 away */
    ck_assert_uint_ge(n, 3);
    ck_assert_str_eq(out[0], "X002");
    ck_assert_str_eq(out[1], "X004");
    ck_assert_str_eq(out[2], "X024");
    /* Results are ordered: nondecreasing tags among equal distances is all we can check
       without the distances, so check no duplicates and the bound. */
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            ck_assert_str_ne(out[i], out[j]);
    ck_assert_uint_eq(crtk_editdb_suggest_edit(db, "X24", out, 0), 0);
    ck_assert_uint_eq(crtk_editdb_suggest_edit(NULL, "X24", out, 3), 0);
}
END_TEST

static Suite *suggest_suite(void)
{
    Suite *s = suite_create("suggest");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_suggest_set);
    tcase_add_test(tc, test_suggest_edit);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suggest_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
