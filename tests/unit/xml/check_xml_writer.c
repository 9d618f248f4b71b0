/* check_xml_writer.c - the NAACCR XML writer: exact output of the spec's worked example
 * (naaccr-formats.md 6.1), escaping, control characters, lossless round trips, atomic
 * output. */
#include <check.h>
#include <crtk/crtk.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NS      "http://naaccr.org/naaccrxml"
#define BASE250 "http://naaccr.org/naaccrxml/naaccr-dictionary-250.xml"

static crtk_layouts *ls;
static const crtk_layout *d250;
static crtk_record *rec;
static char dir[256];
static int warnings;
static char last_warning[256];

static void on_warning(void *ctx, const crtk_finding *f)
{
    (void)ctx;
    warnings++;
    snprintf(last_warning, sizeof last_warning, "%s: %s", f->code, f->message);
}

/* The scratch folder is made and removed by the parent process (unchecked fixture), so
 * it goes away even when a forked test fails; each test works in a fresh subfolder. */
static char topdir[128];

static void make_topdir(void)
{
    snprintf(topdir, sizeof topdir, "/tmp/crtk-xmlw-XXXXXX");
    if (!mkdtemp(topdir))
        topdir[0] = '\0';
}

static void remove_tree(const char *path)
{
    DIR *d = opendir(path);
    struct dirent *e;

    while (d && (e = readdir(d))) {
        char p[512];
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        snprintf(p, sizeof p, "%s/%s", path, e->d_name);
        if (unlink(p) != 0)
            remove_tree(p);
    }
    if (d)
        closedir(d);
    rmdir(path);
}

static void remove_topdir(void)
{
    if (topdir[0])
        remove_tree(topdir);
}

static void setup(void)
{
    crtk_error err = CRTK_ERROR_INIT;
    static int seq;

    ck_assert_str_ne(topdir, "");
    ck_assert_int_eq(crtk_layouts_new(&ls, &err), CRTK_OK);
    d250 = crtk_layouts_dictionary(ls, 250);
    ck_assert_ptr_nonnull(d250);
    ck_assert_int_eq(crtk_record_new(&rec), CRTK_OK);
    snprintf(dir, sizeof dir, "%s/t%d-%ld", topdir, seq++, (long)getpid());
    ck_assert_int_eq(mkdir(dir, 0700), 0);
    warnings = 0;
    last_warning[0] = '\0';
}

static void teardown(void)
{
    crtk_record_free(rec);
    crtk_layouts_free(ls);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
        fclose(f);
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    fclose(f);
    if (len)
        *len = (size_t)n;
    return buf;
}

static void set(crtk_record *r, const char *id, int tumor, const char *v)
{
    const crtk_item *it = crtk_layout_find(crtk_record_layout(r), id);
    ck_assert_msg(it != NULL, "no item %s", id);
    ck_assert_int_eq(crtk_record_set(r, it, tumor, v, strlen(v)), CRTK_OK);
}

static crtk_writer_opts wopts(void)
{
    crtk_writer_opts o = CRTK_WRITER_OPTS_INIT;

    o.format = CRTK_FORMAT_XML;
    o.layout = d250;
    o.on_finding = on_warning;
    return o;
}

/* Write the records (n of them) to dir/name; returns the file's text (free). */
static char *write_file(const char *name, const crtk_writer_opts *o, crtk_record **recs, int n)
{
    char path[512];
    crtk_writer *w = NULL;
    crtk_error err = CRTK_ERROR_INIT;
    int i;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    ck_assert_int_eq(crtk_writer_open(&w, path, o, &err), CRTK_OK);
    for (i = 0; i < n; i++)
        ck_assert_msg(crtk_writer_write(w, recs[i]) == CRTK_OK, "%s",
                      crtk_writer_error(w)->message);
    ck_assert_msg(crtk_writer_close(w) == CRTK_OK, "%s", crtk_writer_error(w)->message);
    crtk_writer_free(w);
    return slurp(path, NULL);
}

START_TEST(test_worked_example_exact)
{
    crtk_writer_opts o = wopts();
    char *got, *want;

    ck_assert_int_eq(crtk_record_reset(rec, d250), CRTK_OK);
    set(rec, "naaccrRecordVersion", 0, "250");
    set(rec, "sex", 0, "2"); /* set out of order: output follows the dictionary */
    set(rec, "dateOfBirth", 0, "19500315");
    set(rec, "patientIdNumber", 0, "00000123");
    ck_assert_int_eq(crtk_record_add_tumor(rec), 0);
    ck_assert_int_eq(crtk_record_add_tumor(rec), 1);
    set(rec, "behaviorCodeIcdO3", 0, "3");
    set(rec, "histologicTypeIcdO3", 0, "8500");
    set(rec, "primarySite", 0, "C509");
    set(rec, "dateOfDiagnosis", 0, "20180412");
    set(rec, "sequenceNumberCentral", 0, "01");
    set(rec, "sequenceNumberCentral", 1, "02");
    set(rec, "dateOfDiagnosis", 1, "20200105");
    set(rec, "primarySite", 1, "C189");
    set(rec, "histologicTypeIcdO3", 1, "8140");
    set(rec, "behaviorCodeIcdO3", 1, "3");
    o.record_type = 'I';
    o.time_generated = "2026-01-15T10:00:00-05:00";
    o.write_item_numbers = true;
    got = write_file("out.xml", &o, &rec, 1);
    want = slurp(CRTK_TEST_DATA "/xml/worked-example-v250-I.xml", NULL);
    ck_assert_ptr_nonnull(got);
    ck_assert_ptr_nonnull(want);
    ck_assert_str_eq(got, want);
    ck_assert_int_eq(warnings, 0);
    free(got);
    free(want);
}
END_TEST

START_TEST(test_zero_patients_and_defaults)
{
    crtk_writer_opts o = wopts();
    char *got;

    o.extra_root = " xmlns:x=\"urn:x\" x:a=\"1 2\"";
    o.user_uris = "urn:u1 urn:u2";
    got = write_file("empty.xml", &o, NULL, 0);
    ck_assert_str_eq(got, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                          "<NaaccrData baseDictionaryUri=\"" BASE250 "\"\n"
                          "            userDictionaryUri=\"urn:u1 urn:u2\"\n"
                          "            recordType=\"A\"\n"
                          "            specificationVersion=\"1.8\"\n"
                          "            xmlns=\"" NS "\"\n"
                          "            xmlns:x=\"urn:x\"\n"
                          "            x:a=\"1 2\">\n"
                          "</NaaccrData>\n");
    free(got);
}
END_TEST

START_TEST(test_escaping_and_line_ends)
{
    crtk_writer_opts o = wopts();
    char *got;

    ck_assert_int_eq(crtk_record_reset(rec, d250), CRTK_OK);
    set(rec, "nameLast", 0, "O'Brien & <Sons> \"Ltd\"");
    set(rec, "addrCurrentCity", 0, "a\r\nb\rc\nd\te");
    got = write_file("esc.xml", &o, &rec, 1);
    ck_assert_ptr_nonnull(
        strstr(got, "    <Patient>\n"
                    "        <Item naaccrId=\"addrCurrentCity\">a\nb\nc\nd\te</Item>\n"
                    "        <Item naaccrId=\"nameLast\">O&apos;Brien &amp; &lt;Sons&gt; "
                    "&quot;Ltd&quot;</Item>\n"
                    "    </Patient>\n"
                    "</NaaccrData>\n"));
    ck_assert_int_eq(warnings, 0);
    free(got);
}
END_TEST

START_TEST(test_control_characters_stripped)
{
    crtk_writer_opts o = wopts();
    char *got;

    ck_assert_int_eq(crtk_record_reset(rec, d250), CRTK_OK);
    set(rec, "nameLast", 0,
        "A\x01"
        "B\x1f"
        "C\x7f"
        "D\x0b");
    set(rec, "nameFirst", 0, "Ren\xC3\xA9\xFF");
    got = write_file("ctl.xml", &o, &rec, 1);
    ck_assert_ptr_nonnull(strstr(got, "<Item naaccrId=\"nameLast\">ABCD</Item>"));
    ck_assert_ptr_nonnull(
        strstr(got, "<Item naaccrId=\"nameFirst\">Ren\xC3\xA9\xEF\xBF\xBD</Item>"));
    ck_assert_int_eq(warnings, 2);
    free(got);
}
END_TEST

/* Everything a reader sees, as one canonical text. */
static void canon(crtk_record *r, char *buf, size_t cap)
{
    const crtk_layout *l = crtk_record_layout(r);
    size_t n = 0;
    int i, t, lv, nt = crtk_record_tumor_count(r);

    n += (size_t)snprintf(buf + n, cap - n, "T%d|", nt);
    for (i = 0; i < crtk_layout_count(l); i++) {
        const crtk_item *it = crtk_layout_item(l, i);
        for (t = 0; t < (it->level == CRTK_LEVEL_TUMOR ? nt : 1); t++) {
            const char *v = crtk_record_get(r, it, t, NULL);
            if (v)
                n += (size_t)snprintf(buf + n, cap - n, "%s[%d]=%s|", it->id, t, v);
        }
    }
    for (lv = 0; lv < CRTK_LEVELS; lv++)
        for (t = 0; t < (lv == CRTK_LEVEL_TUMOR ? nt : 1); t++)
            for (i = 0; i < crtk_record_extension_count(r, (crtk_level)lv, t); i++)
                n += (size_t)snprintf(buf + n, cap - n, "X%d.%d=%s|", lv, t,
                                      crtk_record_extension(r, (crtk_level)lv, t, i, NULL));
}

static const char rt_doc[] =
    "<?xml version=\"1.0\"?>\n"
    "<NaaccrData baseDictionaryUri=\"" BASE250 "\" recordType=\"A\" specificationVersion=\"1.7\" "
    "timeGenerated=\"2024-08-23T09:11:35\" xmlns=\"" NS "\" xmlns:x=\"urn:x\" x:run=\"7\">\n"
    "  <Item naaccrId=\"registryId\">0000001234</Item>\n"
    "  <Item naaccrId=\"naaccrRecordVersion\">250</Item>\n"
    "  <x:root>r</x:root>\n"
    "  <Patient>\n"
    "    <Item naaccrId=\"patientIdNumber\">00000001</Item>\n"
    "    <Item naaccrId=\"nameLast\">M&#252;ller &amp; &lt;Co&gt;</Item>\n"
    "    <x:p a=\"&quot;\">p<x:q/></x:p>\n"
    "    <Tumor>\n"
    "      <Item naaccrId=\"primarySite\">C509</Item>\n"
    "      <Item naaccrId=\"textRemarks\">line1\nline2  with 'quotes' \"and\" &#9;tab</Item>\n"
    "      <x:t/>\n"
    "    </Tumor>\n"
    "    <Tumor><Item naaccrId=\"primarySite\"> C18</Item></Tumor>\n"
    "  </Patient>\n"
    "  <Patient><Item naaccrId=\"patientIdNumber\">00000002</Item></Patient>\n"
    "  <Patient/>\n"
    "</NaaccrData>\n";

/* Read doc, write it with the file's own attributes, return the written text and the
 * canonical dump of every patient. */
static char *round_trip(const char *doc, size_t len, const char *name, char *dump, size_t cap)
{
    crtk_reader *rd = NULL;
    crtk_reader_opts ro = CRTK_READER_OPTS_INIT;
    crtk_writer_opts o = wopts();
    crtk_writer *w = NULL;
    crtk_error err = CRTK_ERROR_INIT;
    const crtk_file_info *fi;
    char path[512];
    size_t n = 0;
    int rc;

    ro.keep_extensions = true;
    ck_assert_int_eq(crtk_reader_open_mem(&rd, doc, len, ls, &ro, &err), CRTK_OK);
    fi = crtk_reader_info(rd);
    o.layout = fi->layout;
    o.record_type = fi->record_type;
    o.spec_version = fi->spec_version;
    o.time_generated = fi->time_generated;
    o.extra_root = fi->extra_root;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    ck_assert_int_eq(crtk_writer_open(&w, path, &o, &err), CRTK_OK);
    dump[0] = '\0';
    while ((rc = crtk_reader_next(rd, rec)) > 0) {
        canon(rec, dump + n, cap - n);
        n += strlen(dump + n);
        ck_assert_int_eq(crtk_writer_write(w, rec), CRTK_OK);
    }
    ck_assert_int_eq(rc, 0);
    ck_assert_int_eq(crtk_writer_close(w), CRTK_OK);
    crtk_writer_free(w);
    crtk_reader_free(rd);
    return slurp(path, NULL);
}

START_TEST(test_round_trip_lossless)
{
    static char d1[65536], d2[65536], d3[65536];
    char *x1, *x2, *x3;

    x1 = round_trip(rt_doc, sizeof rt_doc - 1, "a.xml", d1, sizeof d1);
    x2 = round_trip(x1, strlen(x1), "b.xml", d2, sizeof d2);
    x3 = round_trip(x2, strlen(x2), "c.xml", d3, sizeof d3);
    ck_assert_str_eq(d1, d2); /* every value and extension survives */
    ck_assert_str_eq(d2, d3);
    ck_assert_str_eq(x2, x3); /* and the output is a fixed point */
    ck_assert_ptr_nonnull(strstr(d1, "nameLast[0]=M\xC3\xBCller & <Co>|"));
    ck_assert_ptr_nonnull(strstr(d1, "textRemarks[0]=line1\nline2  with 'quotes' \"and\" \ttab|"));
    ck_assert_ptr_nonnull(strstr(d1, "primarySite[1]= C18|"));
    ck_assert_ptr_nonnull(strstr(d1, "X1.0=<x:p xmlns:x=\"urn:x\" a=\"&quot;\">p<x:q/></x:p>|"));
    ck_assert_ptr_nonnull(strstr(x1, "            timeGenerated=\"2024-08-23T09:11:35\"\n"
                                     "            specificationVersion=\"1.7\"\n"
                                     "            xmlns=\"" NS "\"\n"
                                     "            xmlns:x=\"urn:x\"\n"
                                     "            x:run=\"7\">\n"
                                     "    <Item naaccrId=\"registryId\">0000001234</Item>\n"));
    ck_assert_int_eq(warnings, 0);
    free(x1);
    free(x2);
    free(x3);
}
END_TEST

START_TEST(test_round_trip_reference_samples)
{
#ifdef CRTK_SHARED_SAMPLES
    static char d1[1 << 22], d2[1 << 22];
    static const char *const names[] = {"naaccr-xml-sample-v250-abstract-100.xml.gz",
                                        "naaccr-xml-sample-v180-abstract-100.xml.gz",
                                        "synthetic-data_naaccr-xml-22-abstract_5-tumors.xml"};
    size_t i;

    for (i = 0; i < sizeof names / sizeof *names; i++) {
        char path[1024];
        crtk_reader *rd = NULL;
        crtk_error err = CRTK_ERROR_INIT;
        char *x1, *raw;
        size_t len;
        snprintf(path, sizeof path, "%s/%s", CRTK_SHARED_SAMPLES, names[i]);
        if (access(path, R_OK) != 0)
            continue; /* shared samples not available: skip */
        /* first pass from the (gzipped) sample, second pass from our own output */
        {
            crtk_reader_opts ro = CRTK_READER_OPTS_INIT;
            crtk_writer_opts o = wopts();
            crtk_writer *w = NULL;
            const crtk_file_info *fi;
            char out[512];
            int rc;
            size_t n = 0;
            ro.keep_extensions = true;
            ck_assert_int_eq(crtk_reader_open(&rd, path, ls, &ro, &err), CRTK_OK);
            fi = crtk_reader_info(rd);
            o.layout = fi->layout;
            o.record_type = fi->record_type;
            snprintf(out, sizeof out, "%s/s%zu.xml", dir, i);
            ck_assert_int_eq(crtk_writer_open(&w, out, &o, &err), CRTK_OK);
            while ((rc = crtk_reader_next(rd, rec)) > 0) {
                canon(rec, d1 + n, sizeof d1 - n);
                n += strlen(d1 + n);
                ck_assert_int_eq(crtk_writer_write(w, rec), CRTK_OK);
            }
            ck_assert_int_eq(rc, 0);
            ck_assert_int_eq(crtk_writer_close(w), CRTK_OK);
            crtk_writer_free(w);
            crtk_reader_free(rd);
            raw = slurp(out, &len);
        }
        x1 = round_trip(raw, len, "s2.xml", d2, sizeof d2);
        ck_assert_msg(!strcmp(d1, d2), "%s: values differ after a round trip", names[i]);
        free(x1);
        free(raw);
    }
#endif
}
END_TEST

static int count_files(void)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    while ((e = readdir(d)))
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

START_TEST(test_atomic_output)
{
    crtk_writer_opts o = wopts();
    crtk_writer *w = NULL;
    crtk_error err = CRTK_ERROR_INIT;
    const crtk_layout *d180 = crtk_layouts_dictionary(ls, 180);
    char path[512];
    struct stat st;
    crtk_record *r2;

    snprintf(path, sizeof path, "%s/fail.xml", dir);
    ck_assert_int_eq(crtk_record_new(&r2), CRTK_OK);
    /* An item the target cannot hold makes the write fail. */
    ck_assert_int_eq(crtk_record_reset(r2, d180), CRTK_OK);
    ck_assert_int_eq(crtk_record_add_tumor(r2), 0);
    set(r2, "primarySite", 0, "C509");
    set(r2, "dateOfDiagnosisFlag", 0, "12"); /* gone from 230 on */
    ck_assert_int_eq(crtk_writer_open(&w, path, &o, &err), CRTK_OK);
    ck_assert_int_eq(crtk_writer_write(w, r2), CRTK_EINVALID);
    ck_assert_int_ne(crtk_writer_close(w), CRTK_OK);
    crtk_writer_free(w);
    ck_assert_int_eq(stat(path, &st), -1);
    ck_assert_int_eq(errno, ENOENT);
    ck_assert_int_eq(count_files(), 0); /* no temporary file left either */

    /* Success: the file appears whole, mode 0600. */
    ck_assert_int_eq(crtk_record_reset(rec, d250), CRTK_OK);
    set(rec, "sex", 0, "1");
    w = NULL;
    ck_assert_int_eq(crtk_writer_open(&w, path, &o, &err), CRTK_OK);
    ck_assert_int_eq(crtk_writer_write(w, rec), CRTK_OK);
    ck_assert_int_eq(stat(path, &st), -1); /* not before close */
    ck_assert_int_eq(crtk_writer_close(w), CRTK_OK);
    crtk_writer_free(w);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    ck_assert_int_eq(count_files(), 1);
    crtk_record_free(r2);
}
END_TEST

START_TEST(test_version_conversion_writes_target_uri)
{
    crtk_writer_opts o = wopts();
    crtk_record *r2;
    char *got;

    ck_assert_int_eq(crtk_record_new(&r2), CRTK_OK);
    ck_assert_int_eq(crtk_record_reset(r2, crtk_layouts_dictionary(ls, 180)), CRTK_OK);
    set(r2, "sex", 0, "1");
    o.layout = crtk_layouts_dictionary(ls, 250);
    got = write_file("v.xml", &o, &r2, 1);
    ck_assert_ptr_nonnull(strstr(got, "baseDictionaryUri=\"" BASE250 "\""));
    ck_assert_ptr_nonnull(strstr(got, "<Item naaccrId=\"sex\">1</Item>"));
    free(got);
    crtk_record_free(r2);
}
END_TEST

static Suite *xml_writer_suite(void)
{
    Suite *s = suite_create("xml_writer");
    TCase *tc = tcase_create("output");

    tcase_add_unchecked_fixture(tc, make_topdir, remove_topdir);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_worked_example_exact);
    tcase_add_test(tc, test_zero_patients_and_defaults);
    tcase_add_test(tc, test_escaping_and_line_ends);
    tcase_add_test(tc, test_control_characters_stripped);
    tcase_add_test(tc, test_round_trip_lossless);
    tcase_add_test(tc, test_round_trip_reference_samples);
    tcase_add_test(tc, test_atomic_output);
    tcase_add_test(tc, test_version_conversion_writes_target_uri);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(xml_writer_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
