/* check_flat_writer.c - the fixed-width writer (NAACCR formats section 3.4, checklist 9):
 * byte-exact round trip of the worked example, padding rules, line breaks in values,
 * truncation, record lengths, output encodings. */
#include "flat_test.h"

typedef struct wres {
    char *data;
    size_t len;
    crtk_writer_stats stats;
    tfindings fs;
} wres;

static void write_records(crtk_record *const *recs,
                          int n,
                          const crtk_layout *l,
                          char rt,
                          const char *enc,
                          bool crlf,
                          wres *out)
{
    crtk_writer *w = NULL;
    crtk_writer_opts o = CRTK_WRITER_OPTS_INIT;
    crtk_error err = CRTK_ERROR_INIT;
    const char *path = tmp_path("out.txt");
    int i;

    memset(out, 0, sizeof *out);
    o.format = CRTK_FORMAT_FLAT;
    o.layout = l;
    o.record_type = rt;
    o.encoding = enc;
    o.crlf = crlf;
    o.on_finding = collect;
    o.finding_ctx = &out->fs;
    ck_assert_msg(crtk_writer_open(&w, path, &o, &err) == CRTK_OK, "open: %s", err.message);
    for (i = 0; i < n; i++)
        ck_assert_msg(crtk_writer_write(w, recs[i]) == CRTK_OK, "write: %s",
                      crtk_writer_error(w)->message);
    ck_assert_msg(crtk_writer_close(w) == CRTK_OK, "close: %s", crtk_writer_error(w)->message);
    out->stats = *crtk_writer_stats_get(w);
    crtk_writer_free(w);
    out->data = slurp(path, &out->len);
    ck_assert_ptr_nonnull(out->data);
}

/* Read a flat buffer fully, write every patient back, return the output. */
static void round_trip(
    const char *buf, size_t len, const char *in_enc, const char *out_enc, bool crlf, wres *out)
{
    crtk_reader *rd = NULL;
    crtk_reader_opts ro = CRTK_READER_OPTS_INIT;
    crtk_error err = CRTK_ERROR_INIT;
    crtk_writer *w = NULL;
    crtk_writer_opts o = CRTK_WRITER_OPTS_INIT;
    crtk_record *rec;
    const char *path = tmp_path("rt.txt");
    int rc;

    memset(out, 0, sizeof *out);
    ro.format = CRTK_FORMAT_FLAT;
    ro.encoding = in_enc;
    ck_assert_msg(crtk_reader_open_mem(&rd, buf, len, LS, &ro, &err) == CRTK_OK, "%s", err.message);
    o.format = CRTK_FORMAT_FLAT;
    o.layout = crtk_reader_info(rd)->layout;
    o.record_type = crtk_reader_info(rd)->record_type;
    o.encoding = out_enc;
    o.crlf = crlf;
    ck_assert_int_eq(crtk_writer_open(&w, path, &o, &err), CRTK_OK);
    ck_assert_int_eq(crtk_record_new(&rec), CRTK_OK);
    while ((rc = crtk_reader_next(rd, rec)) > 0)
        ck_assert_int_eq(crtk_writer_write(w, rec), CRTK_OK);
    ck_assert_int_eq(rc, 0);
    ck_assert_int_eq(crtk_writer_close(w), CRTK_OK);
    out->stats = *crtk_writer_stats_get(w);
    crtk_writer_free(w);
    crtk_record_free(rec);
    crtk_reader_free(rd);
    out->data = slurp(path, &out->len);
}

START_TEST(test_worked_example_round_trip_is_byte_exact)
{
    char *l1 = worked_line(1), *l2 = worked_line(2);
    int crlf;

    for (crlf = 0; crlf < 2; crlf++) {
        tbuf b = {NULL, 0, 0};
        wres r;
        const char *eol = crlf ? "\r\n" : "\n";
        tb_adds(&b, l1);
        tb_adds(&b, eol);
        tb_adds(&b, l2);
        tb_adds(&b, eol);
        round_trip(b.s, b.len, NULL, NULL, crlf, &r);
        ck_assert_uint_eq(r.len, b.len);
        ck_assert_int_eq(memcmp(r.data, b.s, b.len), 0);
        ck_assert_int_eq(r.stats.patients, 1);
        ck_assert_int_eq(r.stats.tumors, 2);
        ck_assert_int_eq(r.stats.truncated, 0);
        free(r.data);
        free(b.s);
    }
    free(l1);
    free(l2);
}
END_TEST

static crtk_record *new_record(const crtk_layout *l)
{
    crtk_record *rec;

    ck_assert_int_eq(crtk_record_new(&rec), CRTK_OK);
    ck_assert_int_eq(crtk_record_reset(rec, l), CRTK_OK);
    return rec;
}

static void set(crtk_record *rec, const char *id, int t, const char *v)
{
    const crtk_item *it = crtk_layout_find(crtk_record_layout(rec), id);

    ck_assert_msg(it != NULL, "no item %s", id);
    ck_assert_int_eq(crtk_record_set(rec, it, t, v, strlen(v)), CRTK_OK);
}

/* Characters [col, col+n) (1-based) of an ASCII line. */
static int at(const char *line, int col, const char *want)
{
    return !memcmp(line + col - 1, want, strlen(want));
}

START_TEST(test_padding_and_record_type_version_columns)
{
    const crtk_layout *l = crtk_layouts_flat(LS, 18);
    crtk_record *rec = new_record(l);
    wres r;

    set(rec, "recordType", 0, "A"); /* overwritten by the target record type */
    set(rec, "naaccrRecordVersion", 0, "160");
    set(rec, "patientIdNumber", 0, "123"); /* leftZero digits */
    ck_assert_int_ge(crtk_record_add_tumor(rec), 0);
    set(rec, "sequenceNumberCentral", 0, "1");             /* leftZero */
    set(rec, "percentNecrosisPostNeoadjuvant", 0, "12.5"); /* leftBlank, 1734 len 5 */
    set(rec, "comorbidComplication1", 0, "123");           /* rightZero, digits */
    set(rec, "comorbidComplication2", 0, "E11");           /* rightZero, not digits */
    set(rec, "tumorRecordNumber", 0, "X");                 /* leftZero, not digits */
    write_records(&rec, 1, l, 'I', NULL, false, &r);
    ck_assert_uint_eq(r.len, 4049);
    ck_assert_int_eq(r.data[4048], '\n');
    ck_assert(at(r.data, 1, "I               180"));
    ck_assert(at(r.data, 42, "00000123"));
    ck_assert(at(r.data, 542, "01"));
    ck_assert(at(r.data, 1734, " 12.5"));
    ck_assert(at(r.data, 1527, "12300"));
    ck_assert(at(r.data, 1532, "E11  "));
    ck_assert(at(r.data, 40, "X "));
    free(r.data);
    crtk_record_free(rec);
}
END_TEST

START_TEST(test_record_lengths_and_patient_without_tumors)
{
    const crtk_layout *l18 = crtk_layouts_flat(LS, 18), *l12 = crtk_layouts_flat(LS, 12);
    crtk_record *rec = new_record(l18);
    wres r;

    set(rec, "patientIdNumber", 0, "00000007");
    set(rec, "nameLast", 0, "DOE");
    write_records(&rec, 1, l18, 'A', NULL, false, &r);
    ck_assert_uint_eq(r.len, 24195); /* one line although no tumor */
    ck_assert(at(r.data, 1, "A               180"));
    ck_assert(at(r.data, 4049, "DOE "));
    free(r.data);
    write_records(&rec, 1, l18, 'C', NULL, true, &r);
    ck_assert_uint_eq(r.len, 6156);
    ck_assert(at(r.data + 6154, 1, "\r\n"));
    free(r.data);
    crtk_record_free(rec);
    rec = new_record(l12);
    set(rec, "patientIdNumber", 0, "00000007");
    write_records(&rec, 1, l12, 'I', NULL, false, &r);
    ck_assert_uint_eq(r.len, 3340);
    ck_assert(at(r.data, 1, "I               122")); /* NAACCR 12 writes 122 */
    free(r.data);
    crtk_record_free(rec);
}
END_TEST

START_TEST(test_line_breaks_in_values_become_blanks)
{
    const crtk_layout *l = crtk_layouts_flat(LS, 18);
    crtk_record *rec = new_record(l);
    const crtk_item *it = crtk_layout_find(l, "textRemarks");
    wres r;

    ck_assert_int_ge(crtk_record_add_tumor(rec), 0);
    set(rec, "textRemarks", 0, "ab\r\ncd\ref\ngh");
    write_records(&rec, 1, l, 'A', NULL, false, &r);
    ck_assert_uint_eq(r.len, 24195);
    ck_assert(at(r.data, it->start, "ab cd ef gh "));
    ck_assert_ptr_null(memchr(r.data, '\r', r.len));
    ck_assert_ptr_eq(memchr(r.data, '\n', r.len), r.data + 24194);
    ck_assert_int_eq(r.stats.truncated, 0);
    free(r.data);
    crtk_record_free(rec);
}
END_TEST

START_TEST(test_too_long_value_is_truncated_counted_and_warned)
{
    const crtk_layout *l = crtk_layouts_flat(LS, 18);
    crtk_record *rec = new_record(l);
    const crtk_item *it = crtk_layout_find(l, "textRemarks");
    char *big = malloc(5001);
    const tfinding *f;
    wres r;

    memset(big, 'x', 5000);
    big[5000] = '\0';
    big[999] = 'Y';  /* last character kept */
    big[1000] = 'Z'; /* first character cut */
    set(rec, "patientIdNumber", 0, "00000001");
    ck_assert_int_ge(crtk_record_add_tumor(rec), 0);
    set(rec, "textRemarks", 0, big);
    set(rec, "primarySite", 0, "C509");
    write_records(&rec, 1, l, 'A', NULL, false, &r);
    ck_assert_uint_eq(r.len, 24195);
    ck_assert_int_eq(r.data[it->start - 1 + 999], 'Y');
    ck_assert_ptr_null(memchr(r.data, 'Z', r.len));
    ck_assert(at(r.data, 554, "C509")); /* neighbours unaffected */
    ck_assert_int_eq(r.stats.truncated, 1);
    f = find_code(&r.fs, "value-truncated");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(f->sev, CRTK_SEV_WARNING);
    ck_assert_str_eq(f->item, "textRemarks");
    ck_assert_int_eq(f->tumor, 1);
    ck_assert_msg(strstr(f->msg, "5000 characters") != NULL, "%s", f->msg);
    free(r.data);
    free(big);
    crtk_record_free(rec);
}
END_TEST

START_TEST(test_output_encodings)
{
    const crtk_layout *l = crtk_layouts_flat(LS, 18);
    crtk_record *rec = new_record(l);
    wres r;

    ck_assert_int_ge(crtk_record_add_tumor(rec), 0);
    set(rec, "addrAtDxCity", 0, "\xC3\xA9\xE2\x82\xAC\xCE\xA9Z"); /* é € Ω Z */
    set(rec, "addrAtDxPostalCode", 0, "H2X");
    /* UTF-8: each character one column, so the line has 4 more bytes than columns. */
    write_records(&rec, 1, l, 'I', NULL, false, &r);
    ck_assert_uint_eq(r.len, 4048 + 4 + 1);
    ck_assert(at(r.data, 74, "\xC3\xA9\xE2\x82\xAC\xCE\xA9Z "));
    ck_assert(at(r.data, 126 + 4, "H2X"));
    ck_assert_int_eq(r.stats.replaced_chars, 0);
    free(r.data);
    /* Windows-1252: é and € fit, Ω becomes '?', counted and warned. */
    write_records(&rec, 1, l, 'I', "windows-1252", false, &r);
    ck_assert_uint_eq(r.len, 4049);
    ck_assert(at(r.data, 74, "\xE9\x80?Z "));
    ck_assert(at(r.data, 126, "H2X"));
    ck_assert_int_eq(r.stats.replaced_chars, 1);
    ck_assert_int_eq(count_code(&r.fs, "unrepresentable-character", CRTK_SEV_WARNING), 1);
    free(r.data);
    /* Latin-1: € cannot be written either. */
    write_records(&rec, 1, l, 'I', "latin1", false, &r);
    ck_assert(at(r.data, 74, "\xE9??Z "));
    ck_assert_int_eq(r.stats.replaced_chars, 2);
    free(r.data);
    crtk_record_free(rec);
}
END_TEST

START_TEST(test_windows_1252_round_trip)
{
    char *l = worked_line(1);
    wres r;

    put(l, 74, "CAF\xC9 \x80\x81");
    round_trip(l, 4048, "windows-1252", "windows-1252", false, &r);
    ck_assert_uint_eq(r.len, 4049);
    ck_assert_int_eq(memcmp(r.data, l, 4048), 0);
    ck_assert_int_eq(r.stats.replaced_chars, 0);
    free(r.data);
    free(l);
}
END_TEST

START_TEST(test_unknown_output_encoding_fails)
{
    const crtk_layout *l = crtk_layouts_flat(LS, 18);
    crtk_record *rec = new_record(l);
    crtk_writer *w = NULL;
    crtk_writer_opts o = CRTK_WRITER_OPTS_INIT;
    crtk_error err = CRTK_ERROR_INIT;

    o.format = CRTK_FORMAT_FLAT;
    o.layout = l;
    o.record_type = 'I';
    o.encoding = "klingon";
    ck_assert_int_eq(crtk_writer_open(&w, tmp_path("bad.txt"), &o, &err), CRTK_OK);
    ck_assert_int_eq(crtk_writer_write(w, rec), CRTK_EARG);
    ck_assert_msg(strstr(crtk_writer_error(w)->message, "klingon") != NULL, "%s",
                  crtk_writer_error(w)->message);
    crtk_writer_free(w);
    crtk_record_free(rec);
}
END_TEST

Suite *flat_writer_suite(void)
{
    Suite *s = suite_create("flat_writer");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, layouts_setup, layouts_teardown);
    tcase_add_test(tc, test_worked_example_round_trip_is_byte_exact);
    tcase_add_test(tc, test_padding_and_record_type_version_columns);
    tcase_add_test(tc, test_record_lengths_and_patient_without_tumors);
    tcase_add_test(tc, test_line_breaks_in_values_become_blanks);
    tcase_add_test(tc, test_too_long_value_is_truncated_counted_and_warned);
    tcase_add_test(tc, test_output_encodings);
    tcase_add_test(tc, test_windows_1252_round_trip);
    tcase_add_test(tc, test_unknown_output_encoding_fails);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(flat_writer_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
