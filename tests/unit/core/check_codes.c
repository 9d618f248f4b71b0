/* check_codes.c - code labels: every line of layouts/codes.txt is found by crtk_code_label()
 * (the embedded tables and their binary search agree with the project's table), blanks
 * around a code are ignored, unknown items and codes give NULL. */
#include "crtk/codes.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

START_TEST(test_known_labels)
{
    ck_assert_str_eq(crtk_code_label("sex", "2"), "Female");
    ck_assert_str_eq(crtk_code_label("primarySite", "C509"), "Breast, NOS");
    ck_assert_str_eq(crtk_code_label("histologicTypeIcdO3", "8500/2"),
                     "Intraductal carcinoma, noninfiltrating, NOS");
    /* Without the behavior: the malignant term. */
    ck_assert_str_eq(crtk_code_label("histologicTypeIcdO3", "8500"),
                     crtk_code_label("histologicTypeIcdO3", "8500/3"));
    ck_assert_str_eq(crtk_code_label_n("sex", " 1  ", 4), "Male");
    ck_assert_str_eq(crtk_code_label_n("primarySite", "C509XYZ", 4), "Breast, NOS");
    ck_assert(crtk_code_table_has("sex"));
    ck_assert_uint_ge(crtk_code_count("primarySite"), 300);
}
END_TEST

START_TEST(test_unknown_gives_null)
{
    ck_assert_ptr_null(crtk_code_label("sex", "7"));
    ck_assert_ptr_null(crtk_code_label("sex", ""));
    ck_assert_ptr_null(crtk_code_label("sex", "   "));
    ck_assert_ptr_null(crtk_code_label("sex", "22"));
    ck_assert_ptr_null(crtk_code_label("primarySite", "C50"));
    ck_assert_ptr_null(crtk_code_label("noSuchItem", "1"));
    ck_assert_ptr_null(crtk_code_label(NULL, "1"));
    ck_assert_ptr_null(crtk_code_label("sex", NULL));
    ck_assert(!crtk_code_table_has("noSuchItem"));
    ck_assert_uint_eq(crtk_code_count("noSuchItem"), 0);
    /* A prefix of an id is another id. */
    ck_assert(!crtk_code_table_has("se"));
}
END_TEST

START_TEST(test_every_line_of_the_table)
{
    FILE *f = fopen(CRTK_TEST_DATA "/../../layouts/codes.txt", "r");
    char line[4096];
    long n = 0;

    ck_assert_ptr_nonnull(f);
    while (fgets(line, sizeof line, f)) {
        char *id = line, *code, *label, *nl;
        const char *got;
        if (line[0] == '#')
            continue;
        nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        code = strchr(id, '\t');
        ck_assert_ptr_nonnull(code);
        *code++ = '\0';
        label = strchr(code, '\t');
        ck_assert_ptr_nonnull(label);
        *label++ = '\0';
        got = crtk_code_label(id, code);
        ck_assert_msg(got && !strcmp(got, label), "%s %s: got %s, want %s", id, code,
                      got ? got : "NULL", label);
        n++;
    }
    fclose(f);
    ck_assert_int_gt(n, 1000);
}
END_TEST

static Suite *codes_suite(void)
{
    Suite *s = suite_create("codes");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_known_labels);
    tcase_add_test(tc, test_unknown_gives_null);
    tcase_add_test(tc, test_every_line_of_the_table);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(codes_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
