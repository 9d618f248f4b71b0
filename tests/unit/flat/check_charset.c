/* check_charset.c - encoding names, UTF-8 validation, decoding to UTF-8 (Windows-1252
 * holes as C1 controls) and encoding from UTF-8 with '?' replacement (NAACCR formats 5). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "charset_internal.h"

START_TEST(test_names)
{
    crtk__charset cs;

    ck_assert_int_eq(crtk__charset_parse(NULL, CRTK__CS_AUTO, &cs), CRTK_OK);
    ck_assert_int_eq(cs, CRTK__CS_AUTO);
    ck_assert_int_eq(crtk__charset_parse("UTF-8", CRTK__CS_AUTO, &cs), CRTK_OK);
    ck_assert_int_eq(cs, CRTK__CS_UTF8);
    ck_assert_int_eq(crtk__charset_parse("cp1252", CRTK__CS_AUTO, &cs), CRTK_OK);
    ck_assert_int_eq(cs, CRTK__CS_CP1252);
    ck_assert_int_eq(crtk__charset_parse("Windows-1252", CRTK__CS_AUTO, &cs), CRTK_OK);
    ck_assert_int_eq(cs, CRTK__CS_CP1252);
    ck_assert_int_eq(crtk__charset_parse("ISO-8859-1", CRTK__CS_AUTO, &cs), CRTK_OK);
    ck_assert_int_eq(cs, CRTK__CS_LATIN1);
    ck_assert_int_eq(crtk__charset_parse("latin1", CRTK__CS_AUTO, &cs), CRTK_OK);
    ck_assert_int_eq(cs, CRTK__CS_LATIN1);
    ck_assert_int_eq(crtk__charset_parse("ucs-2", CRTK__CS_AUTO, &cs), CRTK_EARG);
    ck_assert_str_eq(crtk__charset_name(CRTK__CS_CP1252), "windows-1252");
}
END_TEST

START_TEST(test_ascii_and_utf8_validation)
{
    static const char mixed[] = "0123456789012345678901234567890123456789\xC3\xA9";

    ck_assert(crtk__is_ascii("", 0));
    ck_assert(crtk__is_ascii(mixed, 40));
    ck_assert(!crtk__is_ascii(mixed, sizeof mixed - 1));
    ck_assert(!crtk__is_ascii("\x80", 1));
    ck_assert_uint_eq(crtk__utf8_check("a\xC3\xA9"
                                       "b",
                                       4),
                      4);
    ck_assert_uint_eq(crtk__utf8_check("ab\xC3", 3), 2);           /* truncated */
    ck_assert_uint_eq(crtk__utf8_check("\xC0\xAF", 2), 0);         /* overlong */
    ck_assert_uint_eq(crtk__utf8_check("x\xE0\x80\xAF", 4), 1);    /* overlong */
    ck_assert_uint_eq(crtk__utf8_check("\xED\xA0\x80", 3), 0);     /* surrogate */
    ck_assert_uint_eq(crtk__utf8_check("\xF4\x90\x80\x80", 4), 0); /* > U+10FFFF */
    ck_assert_uint_eq(crtk__utf8_check("\xF0\x9F\x98\x80", 4), 4); /* U+1F600 */
    ck_assert_uint_eq(crtk__utf8_check("\xE2\x82\xAC", 3), 3);     /* U+20AC */
}
END_TEST

static void decode(const char *enc, const char *in, size_t n, const char *want, crtk__charset used)
{
    crtk__decoder d;
    crtk__decoded out;
    crtk_error err = CRTK_ERROR_INIT;

    ck_assert_int_eq(crtk__decoder_open(&d, enc, &err), CRTK_OK);
    ck_assert_int_eq(crtk__decode(&d, in, n, &out), CRTK_OK);
    ck_assert_uint_eq(out.len, strlen(want));
    ck_assert_int_eq(memcmp(out.s, want, out.len), 0);
    ck_assert_int_eq(out.used, used);
    crtk__decoder_close(&d);
}

START_TEST(test_decoding)
{
    decode(NULL, "plain", 5, "plain", CRTK__CS_UTF8);
    decode("auto", "caf\xC3\xA9", 5, "caf\xC3\xA9", CRTK__CS_UTF8);
    decode("auto", "caf\xE9", 4, "caf\xC3\xA9", CRTK__CS_CP1252);
    decode("auto", "\x80\x81\x8D\x8F\x90\x9D\x9F\xFF", 8,
           "\xE2\x82\xAC\xC2\x81\xC2\x8D\xC2\x8F\xC2\x90\xC2\x9D\xC5\xB8\xC3\xBF", CRTK__CS_CP1252);
    decode("windows-1252", "\x93q\x94", 3, "\xE2\x80\x9Cq\xE2\x80\x9D", CRTK__CS_CP1252);
    decode("latin1", "\x80\xE9", 2, "\xC2\x80\xC3\xA9", CRTK__CS_LATIN1);
    decode("utf-8", "\xC3\xA9", 2, "\xC3\xA9", CRTK__CS_UTF8);
}
END_TEST

START_TEST(test_invalid_utf8_is_reported_with_its_column)
{
    crtk__decoder d;
    crtk__decoded out;
    crtk_error err = CRTK_ERROR_INIT;

    ck_assert_int_eq(crtk__decoder_open(&d, "utf-8", &err), CRTK_OK);
    ck_assert_int_eq(crtk__decode(&d, "\xC3\xA9x\xFFy\xC3", 6, &out), CRTK_OK);
    ck_assert_int_eq(out.bad_column, 3);
    ck_assert_int_eq(out.bad_count, 2);
    ck_assert_int_eq(out.bad_byte, 0xFF);
    ck_assert_str_eq(out.s, "\xC3\xA9x\xEF\xBF\xBDy\xEF\xBF\xBD");
    crtk__decoder_close(&d);
    ck_assert_int_eq(crtk__decoder_open(&d, "morse", &err), CRTK_EARG);
    crtk__decoder_close(&d);
}
END_TEST

static void encode(const char *enc, const char *in, const char *want, long want_replaced)
{
    crtk__encoder e;
    crtk_error err = CRTK_ERROR_INIT;
    const char *out;
    size_t n;
    long replaced = 0;

    ck_assert_int_eq(crtk__encoder_open(&e, enc, &err), CRTK_OK);
    ck_assert_int_eq(crtk__encode(&e, in, strlen(in), &out, &n, &replaced), CRTK_OK);
    ck_assert_uint_eq(n, strlen(want));
    ck_assert_int_eq(memcmp(out, want, n), 0);
    ck_assert_int_eq(replaced, want_replaced);
    crtk__encoder_close(&e);
}

START_TEST(test_encoding)
{
    crtk__encoder e;
    crtk_error err = CRTK_ERROR_INIT;

    encode(NULL, "\xC3\xA9\xCE\xA9", "\xC3\xA9\xCE\xA9", 0);
    encode("windows-1252", "caf\xC3\xA9 \xE2\x82\xAC", "caf\xE9 \x80", 0);
    encode("windows-1252", "\xCE\xA9-\xF0\x9F\x98\x80-", "?-?-", 2);
    encode("windows-1252", "\xC2\x81\xC2\x9D", "\x81\x9D", 0); /* C1 back to the holes */
    encode("latin1", "\xC3\xA9\xE2\x82\xAC\xC2\x80", "\xE9?\x80", 1);
    encode("cp1252", "ascii only", "ascii only", 0);
    ck_assert_int_eq(crtk__encoder_open(&e, "auto", &err), CRTK_EARG);
    crtk__encoder_close(&e);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("charset");
    TCase *tc = tcase_create("core");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, test_names);
    tcase_add_test(tc, test_ascii_and_utf8_validation);
    tcase_add_test(tc, test_decoding);
    tcase_add_test(tc, test_invalid_utf8_is_reported_with_its_column);
    tcase_add_test(tc, test_encoding);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
