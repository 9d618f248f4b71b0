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
#include "crtk/output.h"

#include <errno.h>

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

START_TEST(test_a_line_given_back_is_read_again)
{
    static const char data[] = "a\nbb\r\nccc\rdddd";
    static const char *const want[] = {"a", "bb", "ccc", "dddd"};
    const char *line, *again;
    size_t len, len2;
    int term, term2;
    crtk__in in;

    ck_assert_int_eq(crtk__in_open_mem(&in, data, sizeof data - 1, "m", NULL), 0);
    ck_assert(!crtk__in_ungetline(&in)); /* nothing read yet */
    for (int i = 0; i < 4; i++) {
        ck_assert_int_eq(crtk__in_getline(&in, &line, &len, &term, NULL), 1);
        ck_assert(crtk__in_ungetline(&in));
        ck_assert(!crtk__in_ungetline(&in)); /* once per line */
        ck_assert_int_eq(in.line, i);
        ck_assert_int_eq(crtk__in_getline(&in, &again, &len2, &term2, NULL), 1);
        ck_assert_ptr_eq(again, line); /* the same bytes, not a copy */
        ck_assert_uint_eq(len2, strlen(want[i]));
        ck_assert(!memcmp(again, want[i], len2));
        ck_assert_int_eq(term2, term);
        ck_assert_int_eq(in.line, i + 1);
    }
    ck_assert_int_eq(crtk__in_getline(&in, &line, &len, NULL, NULL), 0);
    ck_assert(!crtk__in_ungetline(&in)); /* the end is not a line */
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

/* How each kind of target is written (crtk/output.h), decided before anything is created. */
START_TEST(test_output_targets_classified)
{
    char dir[] = "/tmp/crtk-io-XXXXXX", p[6][300];
    const char *inputs[1];
    crtk_error err = CRTK_ERROR_INIT;
    crtk_output_kind k;
    FILE *f;
    char *final = NULL;
    int kind;

    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(p[0], sizeof p[0], "%s/new.csv", dir);
    snprintf(p[1], sizeof p[1], "%s/old.csv", dir);
    snprintf(p[2], sizeof p[2], "%s/fifo", dir);
    snprintf(p[3], sizeof p[3], "%s/link.csv", dir);
    snprintf(p[4], sizeof p[4], "%s/hard.csv", dir);
    snprintf(p[5], sizeof p[5], "%s/dangling.csv", dir);
    f = fopen(p[1], "w");
    ck_assert_ptr_nonnull(f);
    fclose(f);
    ck_assert_int_eq(mkfifo(p[2], 0600), 0);
    ck_assert_int_eq(symlink("old.csv", p[3]), 0);
    ck_assert_int_eq(link(p[1], p[4]), 0);
    ck_assert_int_eq(symlink("sub/../new.csv", p[5]), 0);

    ck_assert_int_eq(crtk_output_check(p[0], NULL, 0, 0, &k, &err), CRTK_OK);
    ck_assert_int_eq(k, CRTK_OUTPUT_REPLACE);
    ck_assert_int_eq(crtk_output_check(p[1], NULL, 0, 0, &k, &err), CRTK_OK);
    ck_assert_int_eq(k, CRTK_OUTPUT_REPLACE);
    ck_assert_int_eq(crtk_output_check("-", NULL, 0, 0, &k, &err), CRTK_OK);
    ck_assert_int_eq(k, CRTK_OUTPUT_STREAM);
    ck_assert_int_eq(crtk_output_check("/dev/null", NULL, 0, 0, &k, &err), CRTK_OK);
    ck_assert_int_eq(k, CRTK_OUTPUT_STREAM);
    ck_assert_int_eq(crtk_output_check(p[2], NULL, 0, 0, &k, &err), CRTK_OK);
    ck_assert_int_eq(k, CRTK_OUTPUT_STREAM);
    /* A folder is refused, naming it. */
    ck_assert_int_eq(crtk_output_check(dir, NULL, 0, 0, &k, &err), CRTK_EIO);
    ck_assert_int_eq(err.sys_errno, EISDIR);
    ck_assert_str_eq(err.source, dir);
    /* A symlink is followed to its target, or refused with NO_FOLLOW. */
    ck_assert_int_eq(crtk__out_target(p[3], false, &kind, &final, &err), CRTK_OK);
    ck_assert_str_eq(final, p[1]);
    free(final);
    ck_assert_int_eq(crtk__out_target(p[5], false, &kind, &final, &err), CRTK_OK);
    ck_assert_ptr_nonnull(strstr(final, "/sub/../new.csv"));
    free(final);
    ck_assert_int_eq(crtk_output_check(p[3], NULL, 0, CRTK_OUTPUT_NO_FOLLOW, &k, &err), CRTK_EIO);
    ck_assert_int_eq(err.sys_errno, ELOOP);
    /* The same file as an input: directly, through a symlink, through a hard link. */
    inputs[0] = p[1];
    ck_assert_int_eq(crtk_output_check(p[1], inputs, 1, 0, &k, &err), CRTK_EIO);
    ck_assert_ptr_nonnull(strstr(err.message, "same file"));
    ck_assert_int_eq(crtk_output_check(p[3], inputs, 1, 0, &k, &err), CRTK_EIO);
    ck_assert_int_eq(crtk_output_check(p[4], inputs, 1, 0, &k, &err), CRTK_EIO);
    ck_assert_int_eq(crtk_output_check(p[0], inputs, 1, 0, &k, &err), CRTK_OK);
    for (int i = 0; i < 6; i++)
        unlink(p[i]);
    rmdir(dir);
}
END_TEST

/* A device is written through and never replaced; its write error names it. */
START_TEST(test_output_device_written_through)
{
    crtk_output *o = NULL;
    crtk_error err = CRTK_ERROR_INIT;
    static char block[65536];
    struct stat st;
    int rc = 0, i;

    if (access("/dev/full", W_OK) != 0)
        return;
    ck_assert_int_eq(crtk_output_open(&o, "/dev/full", 0, 0, &err), CRTK_OK);
    ck_assert_int_eq(crtk_output_kind_of(o), CRTK_OUTPUT_STREAM);
    for (i = 0; i < 8 && rc == 0; i++)
        rc = crtk_output_write(o, block, sizeof block);
    if (rc == 0)
        rc = crtk_output_close(o);
    ck_assert_int_eq(rc, CRTK_EIO);
    ck_assert_int_eq(crtk_output_error(o)->sys_errno, ENOSPC);
    ck_assert_str_eq(crtk_output_error(o)->source, "/dev/full");
    crtk_output_free(o);
    ck_assert_int_eq(stat("/dev/full", &st), 0);
    ck_assert(S_ISCHR(st.st_mode));
}
END_TEST

/* A symlink is written through: the link stays, its target gets the data, no temporary file
 * is left in either folder. */
START_TEST(test_output_symlink_written_through)
{
    char dir[] = "/tmp/crtk-io-XXXXXX", sub[300], target[300], lnk[300], buf[16] = "";
    crtk_output *o = NULL;
    struct stat st;
    FILE *f;

    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(sub, sizeof sub, "%s/sub", dir);
    snprintf(target, sizeof target, "%s/sub/data.csv", dir);
    snprintf(lnk, sizeof lnk, "%s/link.csv", dir);
    ck_assert_int_eq(mkdir(sub, 0700), 0);
    ck_assert_int_eq(symlink("sub/data.csv", lnk), 0);
    ck_assert_int_eq(crtk_output_open(&o, lnk, 0, 0, NULL), CRTK_OK);
    ck_assert_int_eq(crtk_output_write(o, "a,b\n", 4), CRTK_OK);
    ck_assert_int_eq(crtk_output_close(o), CRTK_OK);
    crtk_output_free(o);
    ck_assert_int_eq(lstat(lnk, &st), 0);
    ck_assert(S_ISLNK(st.st_mode));
    f = fopen(target, "r");
    ck_assert_ptr_nonnull(f);
    ck_assert_ptr_nonnull(fgets(buf, sizeof buf, f));
    fclose(f);
    ck_assert_str_eq(buf, "a,b\n");
    ck_assert_int_eq(count_files(sub), 1);
    ck_assert_int_eq(count_files(dir), 2); /* sub and the link */
    unlink(target);
    unlink(lnk);
    rmdir(sub);
    rmdir(dir);
}
END_TEST

static Suite *io_suite(void)
{
    Suite *s = suite_create("io");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_lines_with_every_terminator);
    tcase_add_test(tc, test_empty_lines_are_lines);
    tcase_add_test(tc, test_a_line_given_back_is_read_again);
    tcase_add_test(tc, test_gzip_is_detected_by_magic_bytes);
    tcase_add_test(tc, test_truncated_gzip_is_an_error);
    tcase_add_test(tc, test_overlong_line_is_a_limit_error);
    tcase_add_test(tc, test_output_is_atomic_and_owner_only);
    tcase_add_test(tc, test_gzip_output_reads_back);
    tcase_add_test(tc, test_write_to_a_missing_folder_fails_cleanly);
    tcase_add_test(tc, test_disk_full_is_reported);
    tcase_add_test(tc, test_output_targets_classified);
    tcase_add_test(tc, test_output_device_written_through);
    tcase_add_test(tc, test_output_symlink_written_through);
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
