/* check_strbuf.c - the growable buffer every module writes through: printf into the room
 * there is or after growing, decimal numbers, and the text always NUL-terminated. */
#include "strbuf.h"

#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

START_TEST(test_printf_fits_grows_and_appends)
{
    strbuf b = STRBUF_INIT;
    char want[600];

    ck_assert_int_eq(sb_printf(&b, "%s-%d", "ab", 12), 0); /* from nothing */
    ck_assert_str_eq(b.s, "ab-12");
    /* fill exactly to the capacity, then one more byte, then far beyond it */
    while (b.len + 1 < b.cap)
        ck_assert_int_eq(sb_printf(&b, "%c", 'x'), 0);
    ck_assert_uint_eq(b.len + 1, b.cap);
    ck_assert_int_eq(sb_printf(&b, "%c", 'y'), 0);
    ck_assert_int_eq(b.s[b.len - 1], 'y');
    ck_assert_int_eq(b.s[b.len], '\0');
    sb_clear(&b);
    ck_assert_int_eq(sb_printf(&b, "%.*d", 500, 7), 0);
    snprintf(want, sizeof want, "%.*d", 500, 7);
    ck_assert_str_eq(b.s, want);
    ck_assert_uint_eq(b.len, 500);
    sb_free(&b);
}
END_TEST

START_TEST(test_add_long)
{
    static const long v[] = {0, 7, -7, 10, 99, 100, 123456789, LONG_MAX, LONG_MIN};
    strbuf b = STRBUF_INIT;
    char want[32];

    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        sb_clear(&b);
        ck_assert_int_eq(sb_add_long(&b, v[i]), 0);
        snprintf(want, sizeof want, "%ld", v[i]);
        ck_assert_str_eq(b.s, want);
        ck_assert_uint_eq(b.len, strlen(want));
    }
    sb_free(&b);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("strbuf");
    TCase *tc = tcase_create("strbuf");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, test_printf_fits_grows_and_appends);
    tcase_add_test(tc, test_add_long);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
