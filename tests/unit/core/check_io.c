/* Unit tests of byte input (lines, gzip) and atomic output. */
#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include "io_internal.h"

static size_t gz(const char *src, size_t n, unsigned char *dst, size_t cap)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    ck_assert_int_eq(deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
    z.next_in = (unsigned char *)src;
    z.avail_in = (uInt)n;
    z.next_out = dst;
    z.avail_out = (uInt)cap;
    ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
    deflateEnd(&z);
    return cap - z.avail_out;
}

static void expect_lines(crtk__in *in, const char *const *want, int n)
{
    const char *line;
    size_t len;
    int i;
    for (i = 0; i < n; i++) {
        ck_assert_int_eq(crtk__in_getline(in, &line, &len, NULL, NULL), 1);
        ck_assert_uint_eq(len, strlen(want[i]));
        ck_assert(!memcmp(line, want[i], len));
    }
    ck_assert_int_eq(crtk__in_getline(in, &line, &len, NULL, NULL), 0);
}

START_TEST(test_lines_with_every_terminator)
{
    static const char data[] = "a\nbb\r\nccc\rdddd";
    static const char *const want[] = {"a", "bb", "ccc", "dddd"};
    crtk__in in;
    ck_assert_int_eq(crtk__in_open_mem(&in, data, sizeof data - 1, "m", NULL), 0);
    expect_lines(&in, want, 4);
    ck_assert_int_eq(in.line, 4);
    crtk__in_close(&in);
}
END_TEST

START_TEST(test_empty_lines_are_lines)
{
    static const char data[] = "\n\r\n\nx\n";
    static const char *const want[] = {"", "", "", "x"};
    crtk__in in;
    ck_assert_int_eq(crtk__in_open_mem(&in, data, sizeof data - 1, "m", NULL), 0);
    expect_lines(&in, want, 4);
    crtk__in_close(&in);
}
END_TEST

START_TEST(test_gzip_is_detected_by_magic_bytes)
{
    static const char data[] = "line one\nline two\n";
    static const char *const want[] = {"line one", "line two"};
    unsigned char z[256], two[512];
    size_t n = gz(data, sizeof data - 1, z, sizeof z);
    crtk__in in;
    ck_assert_int_eq(crtk__in_open_mem(&in, z, n, "m.gz", NULL), 0);
    expect_lines(&in, want, 2);
    ck_assert(in.gzip);
    crtk__in_close(&in);
    /* Two concatenated members read as one stream. */
    memcpy(two, z, n);
    memcpy(two + n, z, n);
    {
        static const char *const want4[] = {"line one", "line two", "line one", "line two"};
        ck_assert_int_eq(crtk__in_open_mem(&in, two, 2 * n, "m.gz", NULL), 0);
        expect_lines(&in, want4, 4);
        crtk__in_close(&in);
    }
}
END_TEST

START_TEST(test_truncated_gzip_is_an_error)
{
    static const char data[] = "some text that compresses\nand more text\n";
    unsigned char z[256];
    size_t n = gz(data, sizeof data - 1, z, sizeof z);
    crtk__in in;
    crtk_error err = CRTK_ERROR_INIT;
    const char *line;
    size_t len;
    int rc;
    ck_assert_int_eq(crtk__in_open_mem(&in, z, n - 10, "m.gz", NULL), 0);
    while ((rc = crtk__in_getline(&in, &line, &len, NULL, &err)) > 0)
        ;
    ck_assert_int_eq(rc, CRTK_EPARSE);
    ck_assert_ptr_nonnull(strstr(err.message, "truncated"));
    crtk__in_close(&in);
}
END_TEST

START_TEST(test_overlong_line_is_a_limit_error)
{
    size_t n = CRTK_MAX_LINE + 100;
    char *big = malloc(n);
    crtk__in in;
    crtk_error err = CRTK_ERROR_INIT;
    const char *line;
    size_t len;
    memset(big, 'x', n);
    big[n - 1] = '\n';
    ck_assert_int_eq(crtk__in_open_mem(&in, big, n, "m", NULL), 0);
    ck_assert_int_eq(crtk__in_getline(&in, &line, &len, NULL, &err), CRTK_ELIMIT);
    ck_assert_int_eq(err.line, 1);
    crtk__in_close(&in);
    free(big);
}
END_TEST

static int count_files(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

START_TEST(test_output_is_atomic_and_owner_only)
{
    char dir[] = "/tmp/crtk-io-XXXXXX", path[256];
    crtk__out o;
    struct stat st;
    FILE *f;
    char buf[64];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/out.txt", dir);
    ck_assert_int_eq(crtk__out_open(&o, path, false, 0, NULL), 0);
    ck_assert_int_eq(crtk__out_puts(&o, "hello\n", NULL), 0);
    ck_assert_int_ne(access(path, F_OK), 0); /* not there before close */
    ck_assert_int_eq(crtk__out_close(&o, NULL), 0);
    crtk__out_discard(&o);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    f = fopen(path, "r");
    ck_assert_ptr_nonnull(fgets(buf, sizeof buf, f));
    fclose(f);
    ck_assert_str_eq(buf, "hello\n");
    ck_assert_int_eq(count_files(dir), 1);
    /* A writer that is discarded leaves nothing behind. */
    unlink(path);
    ck_assert_int_eq(crtk__out_open(&o, path, false, 0, NULL), 0);
    ck_assert_int_eq(crtk__out_puts(&o, "partial", NULL), 0);
    crtk__out_discard(&o);
    ck_assert_int_eq(count_files(dir), 0);
    /* An explicit mode is honoured. */
    ck_assert_int_eq(crtk__out_open(&o, path, false, 0640, NULL), 0);
    ck_assert_int_eq(crtk__out_close(&o, NULL), 0);
    crtk__out_discard(&o);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0640);
    unlink(path);
    rmdir(dir);
}
END_TEST

START_TEST(test_gzip_output_reads_back)
{
    char dir[] = "/tmp/crtk-io-XXXXXX", path[256];
    crtk__out o;
    crtk__in in;
    static const char *const want[] = {"alpha", "beta"};
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/out.txt.gz", dir);
    ck_assert_int_eq(crtk__out_open(&o, path, true, 0, NULL), 0);
    ck_assert_int_eq(crtk__out_puts(&o, "alpha\nbeta\n", NULL), 0);
    ck_assert_int_eq(crtk__out_close(&o, NULL), 0);
    crtk__out_discard(&o);
    ck_assert_int_eq(crtk__in_open(&in, path, NULL), 0);
    expect_lines(&in, want, 2);
    ck_assert(in.gzip);
    crtk__in_close(&in);
    unlink(path);
    rmdir(dir);
}
END_TEST

START_TEST(test_write_to_a_missing_folder_fails_cleanly)
{
    crtk__out o;
    crtk_error err = CRTK_ERROR_INIT;
    ck_assert_int_eq(crtk__out_open(&o, "/nonexistent-crtk/x.txt", false, 0, &err), CRTK_EIO);
    crtk__out_discard(&o);
    ck_assert_ptr_nonnull(strstr(err.message, "cannot create"));
}
END_TEST

START_TEST(test_disk_full_is_reported)
{
    crtk__out o;
    crtk_error err = CRTK_ERROR_INIT;
    int rc = 0, i;
    static char block[65536];
    if (access("/dev/full", W_OK) != 0)
        return;
    ck_assert_int_eq(crtk__out_open(&o, "-", false, 0, &err), 0);
    o.fd = open("/dev/full", 1); /* writes fail with ENOSPC */
    for (i = 0; i < 64 && rc == 0; i++)
        rc = crtk__out_write(&o, block, sizeof block, &err);
    if (rc == 0)
        rc = crtk__out_close(&o, &err);
    ck_assert_int_eq(rc, CRTK_EIO);
    ck_assert_ptr_nonnull(strstr(err.message, "write failed"));
    close(o.fd);
    o.fd = -1;
    crtk__out_discard(&o);
}
END_TEST

static Suite *io_suite(void)
{
    Suite *s = suite_create("io");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_lines_with_every_terminator);
    tcase_add_test(tc, test_empty_lines_are_lines);
    tcase_add_test(tc, test_gzip_is_detected_by_magic_bytes);
    tcase_add_test(tc, test_truncated_gzip_is_an_error);
    tcase_add_test(tc, test_overlong_line_is_a_limit_error);
    tcase_add_test(tc, test_output_is_atomic_and_owner_only);
    tcase_add_test(tc, test_gzip_output_reads_back);
    tcase_add_test(tc, test_write_to_a_missing_folder_fails_cleanly);
    tcase_add_test(tc, test_disk_full_is_reported);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(io_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
