/* Unit tests of crtk_edit_blank_guard: which edits may be skipped when a field is blank. */
#include "edits_test.h"

static tfield fields[] = {{"A", 2, NULL}, {"B", 3, NULL}, {"C", 1, NULL}};
static trecord rec = {fields, 3, {{0}}};

static int guard_of(const char *src, int *slots)
{
    crtk_edit_options o = CRTK_EDIT_OPTIONS_INIT;
    crtk_edit *e = NULL;
    crtk_error err = CRTK_ERROR_INIT;
    int n;

    o.resolve = tf_resolve;
    o.resolve_ctx = &rec;
    ck_assert_msg(crtk_edit_compile(&e, "g", src, strlen(src), &o, &err) == CRTK_OK, "%s",
                  err.message);
    n = crtk_edit_blank_guard(e, slots, 8);
    crtk_edit_free(e);
    return n;
}

START_TEST(test_guard_found_for_opening_empty_checks)
{
    int s[8];
    ck_assert_int_eq(guard_of("if (EMPTY(#S\"B\")) return PASS; return FAIL;", s), 1);
    ck_assert_int_eq(s[0], 1);
    ck_assert_int_eq(guard_of("int x; if (EMPTY(#S\"A\") || EMPTY(#S\"C\")) { return TRUE; }\n"
                              "x = 1; return FAIL;",
                              s),
                     2);
    ck_assert_int_eq(s[0], 0);
    ck_assert_int_eq(s[1], 2);
    ck_assert_int_eq(guard_of("if (empty(#s\"a\")) return 1; return 0;", s), 1);
}
END_TEST

START_TEST(test_no_guard_when_the_edit_could_do_otherwise)
{
    int s[8];
    /* AND: both must be blank */
    ck_assert_int_eq(guard_of("if (EMPTY(#S\"A\") && EMPTY(#S\"B\")) return PASS; return FAIL;", s),
                     0);
    /* returns FAIL on blank (a required-item edit) */
    ck_assert_int_eq(guard_of("if (EMPTY(#S\"A\")) return FAIL; return PASS;", s), 0);
    /* something runs before the check */
    ck_assert_int_eq(guard_of("SAVE_TEXT(\"x\"); if (EMPTY(#S\"A\")) return PASS; return FAIL;", s),
                     0);
    /* an else branch */
    ck_assert_int_eq(guard_of("if (EMPTY(#S\"A\")) return PASS; else return FAIL; return FAIL;", s),
                     0);
    /* NOT EMPTY */
    ck_assert_int_eq(guard_of("if (!EMPTY(#S\"A\")) return PASS; return FAIL;", s), 0);
    /* the then-branch does more than return PASS */
    ck_assert_int_eq(
        guard_of("if (EMPTY(#S\"A\")) { SAVE_TEXT(\"x\"); return PASS; } return FAIL;", s), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("edits_guard");
    TCase *tc = tcase_create("guard");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, test_guard_found_for_opening_empty_checks);
    tcase_add_test(tc, test_no_guard_when_the_edit_could_do_otherwise);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
