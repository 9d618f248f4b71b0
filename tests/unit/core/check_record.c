/* Unit tests of the record model. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "crtk/layouts.h"
#include "crtk/record.h"

static crtk_layouts *ls;
static const crtk_layout *l;
static crtk_record *rec;

static void setup(void)
{
    ck_assert_int_eq(crtk_layouts_new(&ls, NULL), CRTK_OK);
    l = crtk_layouts_dictionary(ls, 250);
    ck_assert_int_eq(crtk_record_new(&rec), CRTK_OK);
    ck_assert_int_eq(crtk_record_reset(rec, l), CRTK_OK);
}

static void teardown(void)
{
    crtk_record_free(rec);
    crtk_layouts_free(ls);
}

START_TEST(test_values_by_level_and_tumor)
{
    const crtk_item *pid = crtk_layout_find(l, "patientIdNumber");
    const crtk_item *site = crtk_layout_find(l, "primarySite");
    const crtk_item *ver = crtk_layout_find(l, "naaccrRecordVersion");
    size_t n;
    ck_assert_int_eq(crtk_record_set(rec, ver, 0, "250", 3), CRTK_OK);
    ck_assert_int_eq(crtk_record_set(rec, pid, 0, "00000123", 8), CRTK_OK);
    ck_assert_int_eq(crtk_record_add_tumor(rec), 0);
    ck_assert_int_eq(crtk_record_add_tumor(rec), 1);
    ck_assert_int_eq(crtk_record_set(rec, site, 0, "C509", 4), CRTK_OK);
    ck_assert_int_eq(crtk_record_set(rec, site, 1, "C189", 4), CRTK_OK);
    ck_assert_str_eq(crtk_record_get(rec, site, 0, &n), "C509");
    ck_assert_uint_eq(n, 4);
    ck_assert_str_eq(crtk_record_get(rec, site, 1, NULL), "C189");
    ck_assert_ptr_null(crtk_record_get(rec, site, 2, NULL));
    ck_assert_str_eq(crtk_record_get(rec, pid, 7, NULL), "00000123"); /* tumor ignored */
    ck_assert_int_eq(crtk_record_present_count(rec, CRTK_LEVEL_TUMOR, 1), 1);
    ck_assert_int_eq(crtk_record_present_count(rec, CRTK_LEVEL_ROOT, 0), 1);
    crtk_record_unset(rec, site, 0);
    ck_assert_ptr_null(crtk_record_get(rec, site, 0, NULL));
    ck_assert_int_eq(crtk_record_set(rec, site, 1, "", 0), CRTK_OK);
    ck_assert_ptr_null(crtk_record_get(rec, site, 1, NULL));
    ck_assert_int_eq(crtk_record_set(rec, site, 5, "C000", 4), CRTK_EARG);
}
END_TEST

START_TEST(test_reset_clears_everything_and_reuses_memory)
{
    const crtk_item *pid = crtk_layout_find(l, "patientIdNumber");
    const crtk_item *site = crtk_layout_find(l, "primarySite");
    int i;
    for (i = 0; i < 1000; i++) {
        ck_assert_int_eq(crtk_record_reset(rec, l), CRTK_OK);
        ck_assert_ptr_null(crtk_record_get(rec, pid, 0, NULL));
        ck_assert_int_eq(crtk_record_tumor_count(rec), 0);
        ck_assert_int_eq(crtk_record_set(rec, pid, 0, "00000001", 8), CRTK_OK);
        ck_assert_int_eq(crtk_record_add_tumor(rec), 0);
        ck_assert_ptr_null(crtk_record_get(rec, site, 0, NULL));
        ck_assert_int_eq(crtk_record_set(rec, site, 0, "C509", 4), CRTK_OK);
    }
}
END_TEST

START_TEST(test_extensions_keep_order_per_container)
{
    const char *x;
    size_t n;
    ck_assert_int_eq(crtk_record_add_tumor(rec), 0);
    ck_assert_int_eq(crtk_record_add_extension(rec, CRTK_LEVEL_PATIENT, 0, "<a:x/>", 6), 0);
    ck_assert_int_eq(crtk_record_add_extension(rec, CRTK_LEVEL_TUMOR, 0, "<a:t/>", 6), 0);
    ck_assert_int_eq(crtk_record_add_extension(rec, CRTK_LEVEL_PATIENT, 0, "<a:y/>", 6), 0);
    ck_assert_int_eq(crtk_record_extension_count(rec, CRTK_LEVEL_PATIENT, 0), 2);
    ck_assert_int_eq(crtk_record_extension_count(rec, CRTK_LEVEL_TUMOR, 0), 1);
    ck_assert_int_eq(crtk_record_extension_count(rec, CRTK_LEVEL_ROOT, 0), 0);
    x = crtk_record_extension(rec, CRTK_LEVEL_PATIENT, 0, 1, &n);
    ck_assert_str_eq(x, "<a:y/>");
    ck_assert_ptr_null(crtk_record_extension(rec, CRTK_LEVEL_PATIENT, 0, 2, NULL));
}
END_TEST

START_TEST(test_lines)
{
    ck_assert_int_eq(crtk_record_add_tumor(rec), 0);
    crtk_record_set_line(rec, -1, 7);
    crtk_record_set_line(rec, 0, 9);
    ck_assert_int_eq(crtk_record_line(rec, -1), 7);
    ck_assert_int_eq(crtk_record_line(rec, 0), 9);
    ck_assert_int_eq(crtk_record_line(rec, 3), 0);
}
END_TEST

static Suite *record_suite(void)
{
    Suite *s = suite_create("record");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_values_by_level_and_tumor);
    tcase_add_test(tc, test_reset_clears_everything_and_reuses_memory);
    tcase_add_test(tc, test_extensions_keep_order_per_container);
    tcase_add_test(tc, test_lines);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(record_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
